"""The benchmark data sets on PostgreSQL: built once, reused while their key holds.

    .venv/bin/python bench/dataset.py large [--force]     # or: small

A set is an empty database brought to the migrations' head (``flask db upgrade``),
the demo seed (``flask seed-demo``: the logins the benchmark uses), then bulk rows
inserted with set-based SQL (``INSERT … SELECT … generate_series``), foreign-key
triggers off while inserting and the big full-text indexes built afterwards.

The key is DATASET_VERSION + the set's size; it is kept in the ``bench_meta`` table
with the migrations' heads and the keys the rows were encrypted (and report
identifiers digested) with. A rerun whose key matches reuses the database; when
migrations landed since, it runs ``flask db upgrade`` on it first (rebuilding only if
that fails); a new DATASET_VERSION or size rebuilds.

What grows with the platform (members, posts, appointments, registrations, KUR,
notifications, papers requests, businesses and products, reports) is ten times
smaller in ``small``; what does not (counselors, trainings, categories, markets,
their days and stalls) is the same in both sets.
"""
# The SQL below is put together from this module's constants only; every value from
# outside (sizes, the copied hash and ciphertext) is a bound parameter.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
# The rows themselves; a set's posts are its threads × POSTS_PER_THREAD.
from bench.dataset_rows import POSTS_PER_THREAD, bulk_insert  # noqa: E402, F401

DATASET_VERSION = "2026-12-01.1"  # bump when the rows (bench/dataset_rows.py) change

SIZES = {
    "large": {"members": 100_000, "threads": 50_000, "appointments": 200_000,
              "registrations": 100_000, "kur": 20_000, "notifications": 500_000,
              "member_notifications": 1_000, "adminduk": 30_000, "businesses": 5_000,
              "reports": 20_000},
    "small": {"members": 10_000, "threads": 5_000, "appointments": 20_000,
              "registrations": 10_000, "kur": 2_000, "notifications": 50_000,
              "member_notifications": 100, "adminduk": 3_000, "businesses": 500,
              "reports": 2_000},
}
def database_names() -> dict[str, str]:
    return {"large": os.environ.get("BENCH_LARGE_DB", "bench_large"),
            "small": os.environ.get("BENCH_SMALL_DB", "bench_small")}


def server_url() -> str:
    """libpq URL of the PostgreSQL server (loopback), without a database name."""
    return os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")


def libpq_url(name: str) -> str:
    return f"{server_url()}/{name}"


def sqlalchemy_url(name: str) -> str:
    return libpq_url(name).replace("postgresql://", "postgresql+psycopg://", 1)


def migration_heads() -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return sorted(ScriptDirectory.from_config(config).get_heads())


def dataset_key(size: str) -> str:
    return json.dumps({"version": DATASET_VERSION, "size": SIZES[size]}, sort_keys=True)


def same_rows(meta: dict, size: str) -> bool:
    """The stored set has this version's rows at this size (whatever its migrations)."""
    stored = json.loads(meta.get("key") or "{}")
    return stored.get("version") == DATASET_VERSION and stored.get("size") == SIZES[size]


def stored_heads(meta: dict) -> list[str] | None:
    return meta.get("heads") or json.loads(meta.get("key") or "{}").get("heads")


def read_meta(name: str) -> dict | None:
    """The stored key and secrets of a built set, or None (missing database or table)."""
    try:
        with psycopg.connect(libpq_url(name), connect_timeout=5) as conn:
            row = conn.execute("SELECT value FROM bench_meta WHERE name = 'meta'").fetchone()
    except psycopg.Error:
        return None
    return json.loads(row[0]) if row else None


def ensure_database(name: str) -> None:
    with psycopg.connect(libpq_url("postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def app_env(name: str, meta: dict) -> dict:
    """Environment for flask commands against this set (development: the demo seed
    refuses to run outside demo mode)."""
    return {**os.environ, "APP_ENV": "development", "FLASK_APP": "wsgi.py",
            "DATABASE_URL": sqlalchemy_url(name), "SECRET_KEY": meta["secret_key"],
            "DATA_ENCRYPTION_KEY": meta["data_key"], "REPORTS_IDENTIFIER_KEY": meta["identifier_key"],
            "LOG_LEVEL": "WARNING",
            "RATELIMIT_STORAGE_URI": "memory://",
            "INSTANCE_PATH": os.environ.get("BENCH_INSTANCE",
                                            str(Path(tempfile.gettempdir()) / "rp-bench-instance"))}


def ensure(size: str, force: bool = False, log=print) -> dict:
    """Build the set unless a matching one exists; return its meta (key, secrets, timing)."""
    name = database_names()[size]
    key = dataset_key(size)
    meta = None if force else read_meta(name)
    if meta and same_rows(meta, size):
        log(f"{size}: reusing {name} (built {meta['built_at']} in {meta['build_seconds']:.0f} s)")
        changed = False
        if "identifier_key" not in meta:  # a set built before that setting existed
            meta["identifier_key"] = secrets.token_urlsafe(32)
            changed = True
        heads = migration_heads()
        if stored_heads(meta) != heads:
            t0 = time.monotonic()
            upgrade = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=app_env(name, meta),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if upgrade.returncode != 0:
                log(f"{size}: flask db upgrade failed on {name}: rebuilding")
                return build(size, name, key, log)
            log(f"{size}: new migrations applied to {name} in {time.monotonic() - t0:.0f} s")
            meta["heads"] = heads
            changed = True
        if changed:
            with psycopg.connect(libpq_url(name)) as conn:
                conn.execute("UPDATE bench_meta SET value = %s WHERE name = 'meta'", (json.dumps(meta),))
        return meta
    return build(size, name, key, log)


def build(size: str, name: str, key: str, log=print) -> dict:
    started = time.monotonic()
    ensure_database(name)
    with psycopg.connect(libpq_url(name), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    meta = {"key": key, "heads": migration_heads(), "secret_key": secrets.token_urlsafe(32),
            "data_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "identifier_key": secrets.token_urlsafe(32)}
    env = app_env(name, meta)
    steps: dict[str, float] = {}
    for command in (["db", "upgrade"], ["seed-demo"]):
        t0 = time.monotonic()
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        steps[" ".join(command)] = time.monotonic() - t0
        log(f"{size}: flask {' '.join(command)} {steps[' '.join(command)]:.1f} s")
    with psycopg.connect(libpq_url(name)) as conn:
        bulk_insert(conn, SIZES[size], steps, lambda msg: log(f"{size}: {msg}"))
    meta["build_seconds"] = time.monotonic() - started
    meta["steps"] = steps
    meta["built_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with psycopg.connect(libpq_url(name)) as conn:
        conn.execute("CREATE TABLE bench_meta (name text PRIMARY KEY, value text NOT NULL)")
        conn.execute("INSERT INTO bench_meta VALUES ('meta', %s)", (json.dumps(meta),))
    log(f"{size}: built {name} in {meta['build_seconds']:.0f} s")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--force", action="store_true", help="rebuild even when the key matches")
    args = parser.parse_args()
    meta = ensure(args.size, force=args.force)
    print(json.dumps({k: meta[k] for k in ("built_at", "build_seconds")}))


if __name__ == "__main__":
    main()
