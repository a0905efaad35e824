"""Old against new in CPU time per request: two checkouts, each in its own process
with the app's test client, asked for the same page in turn.

    .venv/bin/python bench/cpu_ab.py OLD_DIR NEW_DIR large member /forum/t/16 [--chunks 20]

Each process loads its checkout's app with the production configuration on the data
set (as bench/explain_page.py does, ``warm_up`` and ``gc.freeze`` as wsgi.py does),
logs in as the account's demo login and warms the page up. Then, ``--chunks`` times,
each serves ``--requests`` requests (the order of the two alternating per chunk) and
reports the trimmed mean of its requests' CPU time (``time.thread_time``: the
database's own time and any waiting are not in it). Prints both medians and the
median of the chunks' new/old ratios.

Why not wrk (bench/ab.py): on a shared machine whose speed drifts within seconds,
wrk's runs of one side differed by up to 50 % (2026-12-04), far more than the
changes measured; chunks a few hundred milliseconds apart drift together, and CPU
time ignores the other processes. What it does not see: gunicorn, the network and
PostgreSQL's side, so a change there still needs bench/ab.py on a quiet machine.
Reads only (and the logins' sessions).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def trimmed_mean(values: list[float]) -> float:
    """The mean without the fastest and slowest tenth (a collection or a page fault
    in one request says nothing about the code)."""
    ordered = sorted(values)
    cut = len(ordered) // 10
    kept = ordered[cut:len(ordered) - cut] if cut else ordered
    return statistics.mean(kept)


def load_app(code: Path, size: str):
    """``code``'s app with the production configuration on the data set, warmed up
    and its start-up objects frozen out of the collector, as wsgi.py serves it."""
    sys.path[:0] = [str(code), str(code / "bench")]
    os.chdir(code)
    import dataset
    import pages

    name = dataset.database_names()[size]
    meta = dataset.read_meta(name)
    if meta is None:
        raise SystemExit(f"{name} is not built: .venv/bin/python bench/dataset.py {size}")
    os.environ.update(pages.production_env(name, meta, 0, Path(tempfile.mkdtemp(prefix="rp-ab-"))))
    from core import create_app, warm_up

    app = create_app()
    warm_up(app)
    gc.freeze()
    return app


def serve(code: Path, size: str, account: str, path: str) -> None:
    """The worker: load ``code``'s app, then answer each line ``N`` from stdin with
    the trimmed mean CPU milliseconds of N requests of ``path``."""
    app = load_app(code, size)
    import page_facts
    import pages

    client = app.test_client()
    if account != "anonymous":
        page_facts.log_in(client, pages.ACCOUNTS[account])
    for _ in range(30):
        status = client.get(path, base_url=page_facts.BASE_URL).status_code
        if status != 200:
            raise SystemExit(f"{path} answered {status} in {code}")
    print("ready", flush=True)
    for line in sys.stdin:
        times = []
        for _ in range(int(line)):
            started = time.thread_time()
            client.get(path, base_url=page_facts.BASE_URL)
            times.append((time.thread_time() - started) * 1000)
        print(trimmed_mean(times), flush=True)


def compare(old: Path, new: Path, size: str, account: str, path: str, chunks: int, chunk_size: int) -> dict:
    workers = {}
    try:
        for label, code in (("old", old), ("new", new)):
            python = code / ".venv" / "bin" / "python"
            workers[label] = subprocess.Popen(
                [str(python if python.exists() else sys.executable), str(Path(__file__).resolve()), "--worker",
                 str(code.resolve()), size, account, path],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            if workers[label].stdout.readline().strip() != "ready":
                raise RuntimeError(f"the {label} checkout did not start")
        results: dict[str, list[float]] = {"old": [], "new": []}
        for number in range(chunks):
            for label in (("old", "new") if number % 2 == 0 else ("new", "old")):
                worker = workers[label]
                worker.stdin.write(f"{chunk_size}\n")
                worker.stdin.flush()
                results[label].append(float(worker.stdout.readline()))
    finally:
        for worker in workers.values():
            if worker.stdin:
                worker.stdin.close()
            worker.wait(timeout=60)
    ratios = [n / o for o, n in zip(results["old"], results["new"], strict=True)]
    return {"old_ms": statistics.median(results["old"]), "new_ms": statistics.median(results["new"]),
            "change": statistics.median(ratios) - 1}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        code, size, account, path = sys.argv[2:6]
        serve(Path(code), size, account, path)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("size", choices=("large", "small"))
    parser.add_argument("account", help="a role of bench/pages.py ACCOUNTS, or anonymous")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--chunks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=60, help="requests per chunk")
    args = parser.parse_args()
    for path in args.paths:
        found = compare(args.old, args.new, args.size, args.account, path, args.chunks, args.requests)
        print(f"{args.size} {args.account} {path}: old {found['old_ms']:.3f} ms, new {found['new_ms']:.3f} ms "
              f"CPU per request; new/old {100 * found['change']:+.1f} % (median of {args.chunks} chunk ratios)",
              flush=True)


if __name__ == "__main__":
    main()
