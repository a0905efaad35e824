"""``make bench``: build or reuse both data sets, measure every key page on each, report.

    .venv/bin/python bench/run_all.py [--duration 2] [--slices 3] [--sets large,small] [--only forum]
                                      [--extras] [--readme]

1. bench/dataset.py: the large and the small data set on PostgreSQL (reused while
   their key holds; the first build takes minutes).
2. bench/pages.py on both sets at once: one gunicorn per set (2 sync workers,
   ProductionConfig, Redis) beside a hello world served the same way; per page, in
   each slice the page on the large and on the small set back to back between two
   hello-world runs (which set first alternates).
3. The table (requests/s, % of hello world, p50/p95/p99, SQL per request, gzip
   size, the small set's figures and the growth) printed, and written as
   bench/results/<UTC date-time>.md and .json. ``--readme`` also puts it into
   README.md between the bench markers.

``--lighthouse`` then runs bench/lighthouse.py on the small set and adds its table.
``--extras`` afterwards runs the older bounded benchmarks (page_weight.py, slots.py,
dispatch.py). Loopback only; with the default 2 s per wrk run both sets take about
ten minutes once the data sets exist.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

TARGET_RATIO = 0.15
TARGET_P95_MS = 50.0
TARGET_GROWTH = 0.10
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"
EXTRAS = [["page_weight.py"], ["slots.py"], ["dispatch.py"]]


def growth(large: dict, small: dict | None) -> float | None:
    """How much longer a request takes on the large set, from the ratios to hello world.

    Measured together (bench/pages.py), both sets' runs of a page alternate slice by
    slice between the same hello runs, so this compares runs seconds apart."""
    if not small or not large.get("ratio") or not small.get("ratio"):
        return None
    return small["ratio"] / large["ratio"] - 1


def misses(row: dict, grow: float | None) -> list[str]:
    missed = []
    if not row["rps"]:
        return ["no answer within the run"]
    if row["ratio"] < TARGET_RATIO:
        missed.append("< 15 %")
    if row["p95_ms"] > TARGET_P95_MS:
        missed.append("p95")
    if grow is not None and grow > TARGET_GROWTH:
        missed.append("growth")
    if row.get("status") != 200 or row.get("errors"):
        missed.append(f"HTTP {row.get('status')}/{row.get('errors')} errors")
    return missed


def table(results: dict[str, dict]) -> str:
    """The markdown table: one row per page and account, the large set first."""
    main_set = results.get("large") or next(iter(results.values()))
    small = results.get("small") if "large" in results else None
    small_rows = {(r["label"], r["account"]): r for r in small["pages"]} if small else {}
    lines = [
        "| page | as | req/s | % of hello | p50 / p95 / p99 ms | SQL | gzip KB "
        "| small: req/s, % of hello, p95 | growth | misses |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in main_set["pages"]:
        other = small_rows.get((row["label"], row["account"]))
        grow = growth(row, other)
        small_cell = (f"{other['rps']:.0f}, {100 * other['ratio']:.0f} %, {other['p95_ms']:.0f}"
                      if other else "–")
        gz = f"{row['gzip_bytes'] / 1024:.1f}" if row.get("gzip_bytes") is not None else "?"
        sql = row["sql"] if row.get("sql") is not None else "?"
        lines.append(
            f"| {row['label']} `{row['path']}` | {row['account'] or 'anonymous'} | {row['rps']:.0f} "
            f"| {100 * row['ratio']:.0f} % | {row['p50_ms']:.0f} / {row['p95_ms']:.0f} / {row['p99_ms']:.0f} "
            f"| {sql} | {gz} | {small_cell} | {'–' if grow is None else f'{100 * grow:+.0f} %'} "
            f"| {', '.join(misses(row, grow)) or '–'} |")
    return "\n".join(lines)


def summary(results: dict[str, dict], started: str) -> str:
    """How the sets were measured (together: one hello world and one load for all)."""
    first = next(iter(results.values()))
    runs = f"{first.get('slices', 1)} runs of {first['duration']} s"
    if len(results) > 1:
        how = (f"the sets served at once, each page in {runs} on each set: in each slice the "
               + " and the ".join(results) + " set's runs back to back between two hello-world runs, "
               "which set first alternating")
    else:
        how = f"each page in {runs}, each between two hello-world runs"
    built = [f"{size}: `{result['database']}` built {result['built_at']} in {result['build_seconds']:.0f} s"
             for size, result in results.items()]
    hello = [r["hello_rps"] for result in results.values() for r in result["pages"]]
    return (f"Run {started} UTC on {os.cpu_count()} cores: wrk 16 connections, 2 threads; {how}. "
            + "; ".join(built) + f"; hello world {min(hello):.0f}–{max(hello):.0f} req/s; load average "
            f"{first['load_before'][0]:.1f} before, {first['load_after'][0]:.1f} after.")


def write_readme(text: str) -> bool:
    readme = ROOT / "README.md"
    content = readme.read_text()
    if README_START not in content or README_END not in content:
        return False
    head, rest = content.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{text}\n{README_END}{tail}")
    return True


def main() -> int:
    import dataset
    import pages

    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--slices", type=int, default=3,
                        help="wrk runs per page on each set, the sets' runs between two hello runs")
    parser.add_argument("--sets", default="large,small")
    parser.add_argument("--only", default="", help="only pages whose label or path contains this")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data sets")
    parser.add_argument("--extras", action="store_true", help="then page_weight, slots, dispatch")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--lighthouse", action="store_true",
                        help="then Lighthouse (slow 4G and 3G) on the small set, into the same report")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    sizes = [s for s in args.sets.split(",") if s]
    for size in sizes:
        dataset.ensure(size, force=args.rebuild, log=lambda msg: print(msg, flush=True))
    results = pages.measure(sizes, args.duration, only=args.only, slices=args.slices,
                            log=lambda msg: print(msg, flush=True))
    text = summary(results, started) + "\n\n" + table(results)
    report = dict(results)
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = started.replace(" ", "-").replace(":", "")

    def save() -> None:
        (out / f"{stamp}.md").write_text(text + "\n")
        (out / f"{stamp}.json").write_text(json.dumps(report, indent=1) + "\n")

    save()  # the page figures are kept even if Lighthouse fails or is stopped
    if args.lighthouse:
        import lighthouse

        report["lighthouse"] = lighthouse.measure("small", log=lambda msg: print(msg, flush=True))
        text += ("\n\nLighthouse 12 mobile, headless Chromium, small set, load average "
                 f"{report['lighthouse']['load_before'][0]:.1f}:\n\n" + lighthouse.table(report["lighthouse"]))
        save()
    print("\n" + text + "\n", flush=True)
    print(f"written: bench/results/{stamp}.md and .json", flush=True)
    if args.readme:
        print("README.md table replaced" if write_readme(text) else "README.md has no bench markers")
    failed = []
    if args.extras:
        for script, *script_args in EXTRAS:
            print(f"== {script}", flush=True)
            try:
                code = subprocess.run([sys.executable, str(BENCH / script), *script_args],
                                      timeout=600, check=False).returncode
            except subprocess.TimeoutExpired:
                code = -1
            if code != 0:
                failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
