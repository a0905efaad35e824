"""``make bench`` runs bench/run_all.py, which exists and runs only bounded benchmarks."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run_all():
    spec = importlib.util.spec_from_file_location("run_all", ROOT / "bench" / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_bench_calls_a_script_that_exists():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^bench:.*\n\t(.+)$", makefile, re.M).group(1)
    script = re.search(r"(bench/\S+\.py)", target).group(1)
    assert (ROOT / script).is_file()


def test_run_all_plans_existing_bounded_benchmarks(monkeypatch):
    module = _run_all()
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    runs = module.plan(duration=5)
    assert [run[0] for run in runs] == ["page_weight.py", "slots.py", "dispatch.py"]
    monkeypatch.setattr(module.shutil, "which", lambda name: "/usr/bin/wrk")
    runs = module.plan(duration=5)
    assert runs[-1] == ["pages.py", "--duration", "5"]
    for script, *_args in runs:
        assert (ROOT / "bench" / script).is_file(), script
