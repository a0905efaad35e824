"""The counseling pages (and the member home and inbox) under wrk against a bare
Flask hello world, interleaved in the same run, on a database built with
``bench/counseling_data.py`` (PostgreSQL, served by gunicorn as pages.py does).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_x \
        .venv/bin/python bench/counseling_pages.py [--duration 8] [--rounds 1]

A hello-world run comes before each page, so a busy machine shows in both. With
``--before DIR`` (another checkout, e.g. ``git archive <commit>`` unpacked) that
code is served too and measured right after, for before/after in the same run.
Loopback only; bounded by --duration per run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import ROOT, gunicorn, login, wait_for, wrk  # noqa: E402

MEMBER = "081200000001"
COUNSELOR = "081200000010"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", help="another checkout to serve and measure alongside")
    parser.add_argument("--paths", default="/counseling,/counseling/counselors/1,!/counseling/staff,/inbox,/")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url or not shutil.which("wrk"):
        sys.exit("needs BENCH_DATABASE_URL and wrk")
    instance = Path(os.environ.get("INSTANCE_PATH") or Path(tempfile.gettempdir()) / "rp-bench-counseling")
    instance.mkdir(exist_ok=True)
    env = {**os.environ, "APP_ENV": "development", "INSTANCE_PATH": str(instance), "FLASK_APP": "wsgi.py",
           "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING", "DATABASE_URL": url}
    hello = gunicorn("hello:app", 8711, env, ROOT / "bench", args.workers)
    sites = {"now": (8712, gunicorn("wsgi:app", 8712, env, ROOT, args.workers))}
    if args.before:
        sites["before"] = (8713, gunicorn("wsgi:app", 8713, env, Path(args.before), args.workers))
    try:
        wait_for(8711, "/", 180)
        cookies = {}
        for label, (port, _process) in sites.items():
            wait_for(port, "/healthz", 180)
            for as_counselor, phone in ((False, MEMBER), (True, COUNSELOR)):
                cookies[label, as_counselor] = login(port, phone)
        print("| page | code | req/s | hello req/s | ratio | p50 ms | p95 ms | errors |")
        print("|---|---|---|---|---|---|---|---|")
        for path in args.paths.split(","):
            as_counselor = path.startswith("!")
            path = path.lstrip("!")
            for label, (port, _process) in sites.items():
                base = wrk(8711, "/", args.duration, args.connections, None)
                result = wrk(port, path, args.duration, args.connections, cookies[label, as_counselor])
                print(f"| `{path}`{' (counselor)' if as_counselor else ''} | {label} | {result['rps']:.0f} | "
                      f"{base['rps']:.0f} | {100 * result['rps'] / base['rps']:.1f} % | {result['p50_ms']:.1f} | "
                      f"{result['p95_ms']:.1f} | {int(result['errors'])} |", flush=True)
    finally:
        for process in [hello] + [process for _port, process in sites.values()]:
            process.terminate()
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
