"""Forum data set for benchmarks: demo logins and categories, then many threads and posts.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/rp_bench \\
        .venv/bin/python bench/forum_data.py --threads 100000 --posts 1000000
    .venv/bin/python bench/forum_data.py --url sqlite:////tmp/forum.db --threads 10000 --posts 100000

Builds the schema from the models when missing (no migration needed), seeds the demo
accounts and the seven categories, then inserts the bulk rows with set-based SQL
(a recursive sequence, so the same statements run on PostgreSQL and SQLite) and
recounts the denormalised counters. On SQLite the FTS5 triggers index every post.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="rp-forum-bench-"))

SEQ = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count) "


def generate(url: str, threads: int, posts: int) -> None:
    from sqlalchemy import text

    from accounts.demo import seed_demo_accounts
    from community.demo import seed_forum
    from community.models import Category
    from config import TestingConfig
    from core import create_app
    from core.cli import DEMO_PASSWORD
    from core.extensions import db

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    with app.app_context():
        db.create_all()
        users = seed_demo_accounts(DEMO_PASSWORD)
        seed_forum(users)
        db.session.commit()
        authors = [u.id for u in users.values()]
        categories = [c.id for c in db.session.query(Category).order_by(Category.id)]
        postgres = db.engine.dialect.name == "postgresql"
        ago = ("(now() at time zone 'utc') - make_interval(secs => {x})" if postgres
               else "datetime('now', '-' || ({x}) || ' seconds')")
        per_thread = max(1, posts // threads)
        thread_category = "CASE n % {k} {whens} END".format(
            k=len(categories), whens=" ".join(f"WHEN {i} THEN {c}" for i, c in enumerate(categories)),
        )
        thread_author = "CASE n % {k} {whens} END".format(
            k=len(authors), whens=" ".join(f"WHEN {i} THEN {a}" for i, a in enumerate(authors)),
        )
        started = time.time()
        db.session.execute(text(
            "CREATE TEMP TABLE bench_thread_ids (id INTEGER PRIMARY KEY)"
        ))
        db.session.execute(text(
            SEQ + "INSERT INTO community_threads (category_id, author_id, title, is_anonymous, "  # noqa: S608
            "status, is_pinned, is_locked, reply_count, last_post_id, last_activity_at, created_at) "
            f"SELECT {thread_category}, "
            f"{thread_author}, "
            "'Topik bench nomor ' || n || ': usaha se''i, kopi Bajawa dan tenun ikat', "
            "false, 'visible', false, false, 0, 0, "
            f"{ago.format(x='n * 60')}, {ago.format(x='n * 60')} FROM seq"
        ), {"count": threads})
        db.session.execute(text(
            "INSERT INTO bench_thread_ids (id) SELECT id FROM community_threads "
            "WHERE title LIKE 'Topik bench nomor %'"
        ))
        db.session.commit()
        print(f"threads: {threads} in {time.time() - started:.1f} s")
        started = time.time()
        author_case = "CASE (t.id + s.n) % {k} {whens} END".format(
            k=len(authors),
            whens=" ".join(f"WHEN {i} THEN {a}" for i, a in enumerate(authors)),
        )
        batch = 20_000 if postgres else 5_000
        ids = [row[0] for row in db.session.execute(text("SELECT id FROM bench_thread_ids ORDER BY id"))]
        for start in range(0, len(ids), batch // per_thread or 1):
            chunk = ids[start:start + (batch // per_thread or 1)]
            db.session.execute(text(
                SEQ.replace("n < :count", "n < :per") +
                "INSERT INTO community_posts (thread_id, author_id, is_first, is_anonymous, "  # noqa: S608
                "body_source, body_html, search_text, status, reaction_count, has_crisis_words, "
                "created_at) "
                f"SELECT t.id, {author_case}, s.n = 1, false, "
                "'Balasan ' || s.n || ' di topik ' || t.id || ': modal usaha laundry di Kupang', "
                "'<p>Balasan ' || s.n || ' di topik ' || t.id || ': modal usaha laundry di Kupang</p>', "
                "'Balasan ' || s.n || ' di topik ' || t.id || ' modal usaha laundry di Kupang', "
                "'visible', s.n % 4, false, "
                f"{ago.format(x='(t.id * 60) - s.n')} "
                "FROM bench_thread_ids t CROSS JOIN seq s WHERE t.id BETWEEN :lo AND :hi"
            ), {"per": per_thread, "lo": chunk[0], "hi": chunk[-1]})
            db.session.commit()
        print(f"posts: {len(ids) * per_thread} in {time.time() - started:.1f} s")
        started = time.time()
        if postgres:
            db.session.execute(text("ANALYZE"))
        db.session.execute(text(
            "UPDATE community_threads SET reply_count = agg.replies, last_post_id = agg.last_id "
            "FROM (SELECT thread_id, count(*) - 1 AS replies, max(id) AS last_id "
            "      FROM community_posts GROUP BY thread_id) AS agg "
            "WHERE agg.thread_id = community_threads.id"
        ))
        db.session.execute(text(
            "UPDATE community_categories SET "
            "thread_count = (SELECT count(*) FROM community_threads t WHERE t.category_id = community_categories.id AND t.status = 'visible'), "
            "last_activity_at = (SELECT max(last_activity_at) FROM community_threads t WHERE t.category_id = community_categories.id)"
        ))
        db.session.commit()
        if postgres:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"counters in {time.time() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{os.environ['INSTANCE_PATH']}/forum-bench.db"
    generate(url, args.threads, args.posts)
    print(f"ready: {url}")


if __name__ == "__main__":
    main()
