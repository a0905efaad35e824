"""Run the bounded benchmarks one after another (``make bench``).

    .venv/bin/python bench/run_all.py [--timeout 600] [--duration 10]

Runs page_weight.py, slots.py and dispatch.py (each on a temporary SQLite file, or
also on PostgreSQL when BENCH_DATABASE_URL is set), then pages.py when `wrk` is
installed. Every benchmark talks only to this machine (127.0.0.1) and is stopped
after --timeout seconds. The forum load benchmark needs a large data set built
first (bench/forum_data.py) and is not run here. Exits non-zero when one failed.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def plan(duration: int) -> list[list[str]]:
    """The benchmark commands to run, each a script name and its arguments."""
    runs = [["page_weight.py"], ["slots.py"], ["dispatch.py"]]
    if shutil.which("wrk"):
        runs.append(["pages.py", "--duration", str(duration)])
    return runs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=int, default=600, help="seconds per benchmark")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page under wrk")
    args = parser.parse_args()
    failed: list[str] = []
    runs = plan(args.duration)
    if not shutil.which("wrk"):
        print("== pages.py skipped: wrk is not installed (apt-get install -y wrk)", flush=True)
    for script, *script_args in runs:
        print(f"== {script} {' '.join(script_args)}".rstrip(), flush=True)
        started = time.monotonic()
        try:
            result = subprocess.run([sys.executable, str(BENCH / script), *script_args],
                                    timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"!! {script} stopped after {args.timeout} s", flush=True)
            failed.append(script)
            continue
        print(f"-- {script}: {time.monotonic() - started:.1f} s, exit {result.returncode}", flush=True)
        if result.returncode != 0:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
