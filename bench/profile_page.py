"""CPU time per request of one page through the test client, and where it goes.

    DATABASE_URL=... INSTANCE_PATH=... .venv/bin/python bench/profile_page.py /counseling \
        [--as 081200000001] [--rounds 200] [--profile 30]

Prints the median CPU milliseconds per request (process time: steadier than wall
time on a shared machine) and, with --profile, the cProfile lines that cost most.
Reads the database given by DATABASE_URL (development config); changes nothing
but the login's session.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--as", dest="phone", default="081200000001")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print this many profile lines")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    args = parser.parse_args()

    from core import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    if args.phone:
        response = client.post("/login", data={"identifier": args.phone, "password": "purna-demo"})
        assert response.status_code in (302, 303), response.status_code
    for path in args.paths:
        for _ in range(20):
            assert client.get(path).status_code == 200, path
        timings = []
        for _ in range(args.rounds):
            started = time.process_time()
            client.get(path)
            timings.append((time.process_time() - started) * 1000)
        if args.sql:
            from sqlalchemy import event

            from core.extensions import db

            statements = []

            def log(_conn, _cursor, statement, *_args, statements=statements):
                statements.append(" ".join(statement.split())[:160])

            with app.app_context():
                engine = db.engine
            event.listen(engine, "before_cursor_execute", log)
            client.get(path)
            event.remove(engine, "before_cursor_execute", log)
            print(f"{path}: {len(statements)} statements", *statements, sep="\n  ")
        timings.sort()
        print(f"{path}: median {statistics.median(timings):.2f} ms CPU, "
              f"p90 {timings[int(len(timings) * 0.9)]:.2f} ms ({args.rounds} requests)", flush=True)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(50):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
