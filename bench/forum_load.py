"""Forum pages under load: the category list, a category's thread list and a thread
page, against the bare Flask "hello world", both served by gunicorn the same way in
the same run, with wrk on loopback (bounded by --duration per page).

    .venv/bin/python bench/forum_data.py --url sqlite:////tmp/forum.db      # or PostgreSQL
    .venv/bin/python bench/forum_load.py --url sqlite:////tmp/forum.db [--duration 10]

Needs `wrk` (apt-get install -y wrk). Logs in as the demo member (081200000001).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from pages import gunicorn, login_cookie, wait_for, wrk  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def pick_paths(url: str) -> list[str]:
    """The category list, the busiest category and a thread from the middle of it."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        slug, category_id = connection.execute(text(
            "SELECT slug, id FROM community_categories ORDER BY thread_count DESC LIMIT 1"
        )).one()
        count = connection.execute(text(
            "SELECT count(*) FROM community_threads WHERE category_id = :c"), {"c": category_id}
        ).scalar()
        thread_id = connection.execute(text(
            "SELECT id FROM community_threads WHERE category_id = :c ORDER BY id "
            "LIMIT 1 OFFSET :o"), {"c": category_id, "o": count // 2}
        ).scalar()
    engine.dispose()
    return ["/forum/", f"/forum/c/{slug}", f"/forum/t/{thread_id}"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"), required=False)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.url:
        sys.exit("Give --url (a database made by bench/forum_data.py) or BENCH_DATABASE_URL")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk")
    from config import normalise_database_url

    url = normalise_database_url(args.url)
    tmp = Path(tempfile.mkdtemp(prefix="rp-forum-load-"))
    env = {**os.environ, "APP_ENV": "development", "INSTANCE_PATH": str(tmp),
           "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": "memory://", "LOG_LEVEL": "WARNING"}
    paths = pick_paths(url)
    hello = gunicorn("hello:app", 8711, args.workers, env, ROOT / "bench")
    site = gunicorn("wsgi:app", 8712, args.workers, env, ROOT)
    try:
        wait_for("http://127.0.0.1:8711/")
        wait_for("http://127.0.0.1:8712/healthz")
        cookie = login_cookie("http://127.0.0.1:8712")
        base = wrk("http://127.0.0.1:8711/", args.duration, args.connections, None)
        print(f"hello world: {base['rps']:.0f} req/s, p95 {base['p95_ms']:.1f} ms "
              f"({args.connections} connections, {args.workers} workers)")
        print("| page | req/s | % of hello world | p95 ms | errors |")
        print("|---|---|---|---|---|")
        for path in paths:
            result = wrk(f"http://127.0.0.1:8712{path}", args.duration, args.connections, cookie)
            print(f"| `{path}` | {result['rps']:.0f} | {100 * result['rps'] / base['rps']:.0f} % | "
                  f"{result['p95_ms']:.1f} | {int(result['errors'])} |")
    finally:
        for process in (hello, site):
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
