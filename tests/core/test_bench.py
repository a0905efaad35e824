"""``make bench``: the harness's own code paths, on the test database and without wrk.

The full run (data sets on PostgreSQL, gunicorn, wrk) is `make bench`, never part of
`make test`; these tests keep the pieces it is made of honest and fast.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


def test_make_bench_installs_wrk_and_runs_the_harness_outside_make_test():
    makefile = (ROOT / "Makefile").read_text()
    bench = re.search(r"^bench:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "command -v wrk" in bench and "apt-get install -y wrk" in bench
    script = re.search(r"(bench/\S+\.py)", bench).group(1)
    assert (ROOT / script).is_file()
    test = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert "bench" not in test
    assert "gunicorn==" in (ROOT / "requirements.txt").read_text()


def test_plan_measures_every_key_page_logged_in_and_public_pages_anonymously_too():
    pages = _load("pages")
    ids = {key: "7" for key in pages.IDS} | {"category": "usaha-umkm"}
    runs = pages.plan(ids)
    by_path = {}
    for run in runs:
        by_path.setdefault(run["path"], set()).add(run["account"])
    assert by_path["/forum/t/7"] == {"member"}
    assert by_path["/forum/c/usaha-umkm"] == {"member"}
    assert by_path["/counseling/counselors/7"] == {"member"}
    assert by_path["/counseling/staff"] == {"counselor"}
    assert by_path["/staff/kur"] == {"umkm_staff"}
    assert by_path["/forum/adminduk/desk"] == {"registrar"}
    assert by_path["/forum/lapor/desk"] == {"satgas"}
    for public in ("/", "/pasar/", "/pasar/cari?q=kopi", "/pasar/usaha/7", "/pasar/lapak/peta/7"):
        assert by_path[public] == {None, "member"}, public
    for path in ("/forum/", "/counseling", "/trainings", "/inbox", "/pasar/staf"):
        assert path in by_path
    assert {run["account"] for run in runs} - {None} <= set(pages.ACCOUNTS)
    # A part missing from the data set drops its pages instead of a "{thread}" URL.
    partial = pages.plan({"category": "usaha-umkm"})
    assert partial and all("{" not in run["path"] for run in partial)
    assert not any(run["path"].startswith("/forum/t/") for run in partial)
    assert {run["path"] for run in pages.plan(ids, only="thread")} == {"/forum/c/usaha-umkm", "/forum/t/7"}


def test_page_facts_counts_the_statements_of_a_warm_request_and_the_gzip_bytes(app, client, make_user):
    # (the client fixture: each test-client request starts without the last one's g)
    facts = _load("page_facts")
    member = make_user(password=facts.PASSWORD)
    runs = [{"path": "/", "account": None}, {"path": "/account", "account": "member"},
            {"path": "/inbox", "account": "member"}]
    out = facts.facts(app, runs, {"member": member.phone})
    assert out["None /"]["status"] == 200
    assert out["member /account"]["status"] == 200
    assert out["member /inbox"]["status"] == 200
    # Logged in, the member is loaded from the database on every request.
    assert out["member /account"]["sql"] >= 1
    assert isinstance(out["None /"]["sql"], int)
    body = client.get("/", base_url="https://localhost").get_data()
    assert 0 < out["None /"]["gzip_bytes"] < len(body)
    assert abs(out["None /"]["gzip_bytes"] - len(gzip.compress(body, 6))) < 200


def _row(label, ratio, p95, account="member", status=200):
    return {"label": label, "path": f"/{label}", "account": account, "rps": 1000 * ratio,
            "hello_rps": 1000, "ratio": ratio, "p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95 * 2,
            "errors": 0, "status": status, "sql": 4, "gzip_bytes": 3072}


def _results(large_rows, small_rows):
    common = {"duration": 5, "connections": 16, "load_before": (3.0, 3, 3), "load_after": (4.0, 4, 4),
              "built_at": "2026-12-01 23:30 UTC", "build_seconds": 300.0}
    return {"large": {**common, "size": "large", "database": "bench_large", "pages": large_rows},
            "small": {**common, "size": "small", "database": "bench_small", "pages": small_rows}}


def test_table_shows_ratio_latencies_sql_size_growth_and_what_misses_the_targets():
    run_all = _load("run_all")
    results = _results(
        [_row("fast", 0.30, 20), _row("slow", 0.10, 80), _row("grows", 0.20, 30), _row("gone", 0.5, 5, status=404),
         _row("stuck", 0.0, 0)],
        [_row("fast", 0.31, 20), _row("slow", 0.10, 80), _row("grows", 0.25, 25)])
    lines = {line.split("`")[0].strip("| "): line for line in run_all.table(results).splitlines()[2:]}
    assert "| 30 % |" in lines["fast"] and "| 10 / 20 / 40 |" in lines["fast"]
    assert "| 4 | 3.0 |" in lines["fast"] and "| 310, 31 %, 20 |" in lines["fast"]
    assert lines["fast"].endswith("| +3 % | – |")
    assert "< 15 %" in lines["slow"] and "p95" in lines["slow"] and "growth" not in lines["slow"]
    assert "| +25 % |" in lines["grows"] and lines["grows"].endswith("| growth |")
    assert "HTTP 404" in lines["gone"] and "| – | – |" in lines["gone"]  # not in the small set
    assert lines["stuck"].endswith("| no answer within the run |")  # p95 0 is no pass
    summary = run_all.summary(results, "2026-12-01 23:40")
    assert "bench_large" in summary and "bench_small" in summary
    assert "served at once" in summary and "load average 3.0 before, 4.0 after" in summary
    alone = run_all.summary({"large": results["large"]}, "2026-12-01 23:40")
    assert "served at once" not in alone and "each between two hello-world runs" in alone


def test_interleave_runs_both_sets_of_a_page_between_hello_runs_alternating_the_first(monkeypatch):
    pages = _load("pages")
    calls = []

    def wrk(port, path, duration, connections, cookie):
        calls.append((port, path, cookie))
        return {"rps": float(port), "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "errors": 0.0}

    monkeypatch.setattr(pages, "wrk", wrk)
    large, small, hello = (2, "/forum/t/16", "c=1"), (3, "/forum/t/9", "c=2"), (1, "/", None)
    hellos, parts = pages.interleave(1, [large, small], None, 2, 16, 3)
    assert calls == [hello, large, small, hello, small, large, hello, large, small, hello]
    assert hellos == [1.0] * 4
    assert [[run["rps"] for run in part] for part in parts] == [[2.0] * 3, [3.0] * 3]
    # The last hello run of a page is the first of the next; one set alone works too.
    calls.clear()
    hellos, parts = pages.interleave(1, [small], 5.0, 2, 16, 2)
    assert calls == [small, hello, small, hello] and hellos == [5.0, 1.0, 1.0] and len(parts[0]) == 2


def test_readme_table_replaced_between_the_markers_only(tmp_path, monkeypatch):
    run_all = _load("run_all")
    monkeypatch.setattr(run_all, "ROOT", tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{run_all.README_START}\nold table\n{run_all.README_END}\nrest\n")
    assert run_all.write_readme("new table")
    assert readme.read_text() == f"intro\n{run_all.README_START}\nnew table\n{run_all.README_END}\nrest\n"
    readme.write_text("no markers\n")
    assert not run_all.write_readme("new table")
    assert readme.read_text() == "no markers\n"


def test_data_set_is_reused_across_migrations_and_rebuilt_for_new_rows(monkeypatch):
    dataset = _load("dataset")
    assert len(dataset.migration_heads()) == 1
    large = dataset.dataset_key("large")
    assert large != dataset.dataset_key("small")
    assert dataset.dataset_key("large") == large  # a rerun reuses the set
    meta = {"key": large, "heads": ["an_older_head"]}
    assert dataset.same_rows(meta, "large") and not dataset.same_rows(meta, "small")
    assert dataset.stored_heads(meta) != dataset.migration_heads()  # ensure() upgrades it in place
    # Sets built when the key still held the heads keep their rows too.
    old_style = {"key": json.dumps({"heads": ["x"], "size": dataset.SIZES["small"],
                                    "version": dataset.DATASET_VERSION}, sort_keys=True)}
    assert dataset.same_rows(old_style, "small") and dataset.stored_heads(old_style) == ["x"]
    monkeypatch.setattr(dataset, "DATASET_VERSION", "next")
    assert not dataset.same_rows(meta, "large")  # new rows: rebuilt
    assert dataset.SIZES["large"]["members"] >= 100_000
    assert dataset.SIZES["large"]["threads"] * dataset.POSTS_PER_THREAD >= 1_000_000
    assert dataset.SIZES["large"]["appointments"] >= 200_000
    for key, value in dataset.SIZES["small"].items():
        assert value * 10 == dataset.SIZES["large"][key], key


def test_lighthouse_runs_slow_4g_and_3g_on_the_issue_pages_and_tabulates_failures_too():
    lighthouse = _load("lighthouse")
    assert set(lighthouse.THROTTLING) == {"slow 4G", "3G"}
    assert lighthouse.THROTTLING["slow 4G"] == []  # Lighthouse's own mobile default
    assert "--throttling.rttMs=300" in lighthouse.THROTTLING["3G"]
    assert [path for _label, path in lighthouse.PAGES] == [
        "/", "/forum/t/{thread}", "/counseling/counselors/{counselor}", "/pasar/", "/pasar/usaha/{business}"]
    result = {"results": [
        {"page": "member home", "path": "/", "throttling": "slow 4G", "performance": 99,
         "accessibility": 100, "lcp_ms": 1234, "transfer_kb": 5.5},
        {"page": "member home", "path": "/", "throttling": "3G", "error": "TimeoutExpired"},
    ]}
    row = lighthouse.table(result).splitlines()[2]
    assert row == "| member home `/` | 99 / 100 · LCP 1.2 s · 5.5 KB | failed (TimeoutExpired) |"
    result["results"][1] = {**result["results"][0], "throttling": "3G", "retried": True}
    row = lighthouse.table(result).splitlines()[2]
    assert row.endswith("| 99 / 100 · LCP 1.2 s · 5.5 KB (second try) |")


def test_lighthouse_tries_a_failed_page_once_more(monkeypatch, tmp_path):
    import subprocess

    lighthouse = _load("lighthouse")
    outcomes = [subprocess.CalledProcessError(1, "lighthouse"), {"performance": 98}]

    def run(*_args):
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    monkeypatch.setattr(lighthouse, "run_lighthouse", run)
    assert lighthouse.scores_with_retry("u", tmp_path, [], tmp_path / "r") == {"performance": 98, "retried": True}
    outcomes[:] = [{"performance": 100}]
    assert lighthouse.scores_with_retry("u", tmp_path, [], tmp_path / "r") == {"performance": 100}
    outcomes[:] = [OSError(), OSError()]
    assert lighthouse.scores_with_retry("u", tmp_path, [], tmp_path / "r") == {"error": "OSError"}


def test_cpu_ab_drops_the_extreme_tenth_of_requests_either_way():
    cpu_ab = _load("cpu_ab")
    assert cpu_ab.trimmed_mean([1.0] * 18 + [0.0, 100.0]) == 1.0  # one collection, one page fault
    assert cpu_ab.trimmed_mean([2.0, 4.0]) == 3.0  # too few to trim


def test_instructions_ab_reads_each_phase_from_its_own_dump(tmp_path):
    """bench/instructions_ab.py: dumps in the order of their numbers (10 after 9),
    the start-up first, then each page's warm-up and measured phase."""
    instructions_ab = _load("instructions_ab")
    counts = {1: 5_000_000_000, 2: 900, 3: 3_000, 4: 700, 5: 6_000, 6: 1, 7: 2, 8: 3, 9: 4, 10: 11_000}
    for number, count in counts.items():
        (tmp_path / f"cg.out.{number}").write_text(f"# callgrind format\nevents: Ir\nsummary: {count}\n")
    totals = instructions_ab.dump_totals(list(tmp_path.glob("cg.out.*")))
    assert totals == list(counts.values())
    pages = ["member:/account", "member:/forum/t/16", "a:/1", "b:/2"]
    assert instructions_ab.per_request(totals[:9], pages, 30) == {
        "member:/account": 100.0, "member:/forum/t/16": 200.0, "a:/1": 2 / 30, "b:/2": 4 / 30}
    with pytest.raises(RuntimeError, match="expected 9 dumps"):
        instructions_ab.per_request(totals[:8], pages, 30)
