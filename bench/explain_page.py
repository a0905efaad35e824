"""Where one page's time goes on a data set: wall time per request, its statements
with EXPLAIN (ANALYZE, BUFFERS), and optionally a cProfile of the Python side.

    .venv/bin/python bench/explain_page.py large /staff/kur --as umkm_staff [--explain] [--profile 30]

Uses the app's test client with the configuration bench/pages.py serves (production,
the data set's database and secrets), logs in through the login form like
bench/page_facts.py, warms the page up, then prints the median wall milliseconds of
``--rounds`` requests (20 by default) and the median CPU time of this process
(steadier on a shared machine; the database's own time is not in it). ``--explain`` captures the statements of one
request (a SQLAlchemy ``before_cursor_execute`` event) and runs each SELECT again
under EXPLAIN (ANALYZE, BUFFERS) on its own connection, inside a transaction that is
rolled back. Reads only; the login's session is the only thing written.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import dataset  # noqa: E402
import page_facts  # noqa: E402
import pages  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", choices=("large", "small"))
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as", dest="account", default=None, help="a role of bench/pages.py ACCOUNTS")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="print this many cProfile lines")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative or tottime")
    args = parser.parse_args()

    name = dataset.database_names()[args.size]
    meta = dataset.read_meta(name)
    if meta is None:
        raise SystemExit(f"{name} is not built: .venv/bin/python bench/dataset.py {args.size}")
    instance = Path(tempfile.mkdtemp(prefix="rp-explain-"))
    os.environ.update(pages.production_env(name, meta, 0, instance))

    from sqlalchemy import event

    from core import create_app
    from core.extensions import db

    app = create_app()
    client = app.test_client()
    if args.account:
        page_facts.log_in(client, pages.ACCOUNTS[args.account])
    base = page_facts.BASE_URL
    with app.app_context():
        engine = db.engine
    for path in args.paths:
        for _ in range(3):
            status = client.get(path, base_url=base).status_code
            assert status == 200, (path, status)
        timings, cpu = [], []
        for _ in range(args.rounds):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path, base_url=base)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(f"{args.size} {args.account or 'anonymous'} {path}: median {statistics.median(timings):.1f} ms "
              f"(min {min(timings):.1f}, {args.rounds} requests; this process's CPU: median "
              f"{statistics.median(cpu):.1f} ms)", flush=True)
        if args.explain:
            captured: list[tuple[str, object, float]] = []
            starts: list[float] = []

            def before(_conn, _cursor, statement, parameters, *_args, captured=captured, starts=starts):
                starts.append(time.perf_counter())
                captured.append((statement, parameters, 0.0))

            def after(_conn, _cursor, statement, parameters, *_args, captured=captured, starts=starts):
                last = captured[-1]
                captured[-1] = (last[0], last[1], (time.perf_counter() - starts[-1]) * 1000)

            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            try:
                client.get(path, base_url=base)
            finally:
                event.remove(engine, "before_cursor_execute", before)
                event.remove(engine, "after_cursor_execute", after)
            print(f"  {len(captured)} statements")
            with engine.connect() as conn:
                for number, (statement, parameters, ms) in enumerate(captured, 1):
                    print(f"\n  [{number}] {ms:.1f} ms: {' '.join(statement.split())[:600]}")
                    print(f"      parameters: {json.dumps(parameters, default=str)[:300]}")
                    if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                        continue
                    transaction = conn.begin()
                    try:
                        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                        for (line,) in plan:
                            print("      " + line)
                    finally:
                        transaction.rollback()
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(path, base_url=base)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
