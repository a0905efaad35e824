"""Fixtures shared by the whole suite.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL``
is set. It always starts from an empty schema of its own. Every test runs inside
an app context and leaves empty tables behind.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from config import TestingConfig
from core import create_app
from core.extensions import db, limiter

pytest_plugins = ["tests.factories", "tests.browser_fixtures"]

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"))


def build_config(tmp_dir: Path, **overrides) -> TestingConfig:
    config = TestingConfig()
    if not POSTGRES:
        # A file, not :memory:, so the live server's threads share the database.
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_dir / 'test.db'}"
    else:
        # The test database need not survive a crash: a commit does not wait for its
        # WAL to reach the disk (2.4 ms → 0.1 ms a commit here). What other sessions
        # see, and when, is unchanged.
        config.SQLALCHEMY_ENGINE_OPTIONS = {
            **config.SQLALCHEMY_ENGINE_OPTIONS,
            "connect_args": {"options": "-c synchronous_commit=off"},
        }
    config.UPLOAD_FOLDER = str(tmp_dir / "uploads")
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def reset_schema() -> None:
    """Drop whatever an earlier run left and build the schema from the models."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
    db.create_all()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("db")
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app(build_config(tmp_dir))
    with application.app_context():
        reset_schema()
    return application


# Every sequence a test used starts again at its first value, as after
# TRUNCATE … RESTART IDENTITY (pg_sequences shows NULL for one never read since).
_RESTART_USED_SEQUENCES = (
    "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, "
    "start_value, false) "
    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def _empty_postgres_tables(tables) -> None:
    """DELETE every table, children first, and restart the used sequences, in one
    round trip. TRUNCATE gives each table and index a new file, which cost 0.5-1 s
    per test for 64 tables; this costs a few milliseconds (most tables are empty).
    A table outside the models that still points at ours makes the DELETE fail:
    then TRUNCATE … CASCADE empties it as before."""
    batch = "; ".join([*(f'DELETE FROM "{t.name}"' for t in reversed(tables)), _RESTART_USED_SEQUENCES])
    try:
        with db.engine.begin() as connection:
            connection.exec_driver_sql(batch)
    except IntegrityError:
        names = ", ".join(f'"{t.name}"' for t in tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _empty_tables() -> None:
    db.session.remove()
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        _empty_postgres_tables(tables)
    else:
        with db.engine.begin() as connection:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        limiter.reset()
        _fresh_market_pages()
        yield
        _empty_tables()
        _fresh_market_pages()


def _fresh_market_pages() -> None:
    """Forget the market's kept pages (marketplace/cache.py), before and after every
    test. They live in the process, as does the browser tests' one live server, and
    an emptied database counts its versions from the start again: a page kept in one
    test would otherwise show in a later one that reaches the same version."""
    from marketplace import cache

    cache.clear()


class FreshRequestClient(FlaskClient):
    """Each request starts like a real one although the test keeps an app context
    pushed: nothing cached in ``g`` (the logged-in user, the locale) carries over,
    and objects are re-read from the database."""

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
            db.session.expire_all()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshRequestClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- network guard ----------------------------------------------------------------

_real_connect = socket.socket.connect


def _guarded_connect(sock, address):
    if sock.family == socket.AF_UNIX:
        return _real_connect(sock, address)
    host = address[0] if isinstance(address, tuple) else address
    if host in {"127.0.0.1", "::1", "localhost"} or str(host).startswith("127."):
        return _real_connect(sock, address)
    raise RuntimeError(f"Test tried to reach the network: {address!r}")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any test that tries to reach anything but this machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


# --- query counting ----------------------------------------------------------------

@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def statements_inside_a_transaction():
    """``with statements_inside_a_transaction() as inside: ...``: the first 80
    characters of every statement sent while its PostgreSQL connection was inside a
    transaction (what a ``@read_only`` page must never do)."""
    from psycopg.pq import TransactionStatus

    inside: list[str] = []

    def after(conn, _cursor, statement, *_args):
        if conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
            inside.append(statement[:80])

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield inside
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as log: ...`` then ``log.count``."""

    @contextmanager
    def counter():
        log = QueryLog()

        def before(conn, cursor, statement, parameters, context, executemany):
            log.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield log
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter


# --- races (PostgreSQL) --------------------------------------------------------------

class Outcomes(list):
    """What each job of ``run_together`` gave, in the order of the jobs: its return
    value, or the exception it raised."""

    @property
    def errors(self) -> list[BaseException]:
        return [outcome for outcome in self if isinstance(outcome, BaseException)]

    @property
    def values(self) -> list[Any]:
        return [outcome for outcome in self if not isinstance(outcome, BaseException)]


def start_together(app, jobs: Sequence[Callable[[], Any]], *, timeout: float = 20.0) -> Outcomes:
    """Run every job (a callable without arguments) in its own thread, each with its
    own app context, request context and database session (so its own connection
    and transaction), all released at the same instant by a barrier.

    A job that returns has its session committed (a no-op if it committed or rolled
    back itself); a job that raises has it rolled back, and the exception becomes its
    outcome (never swallowed: the test asserts on it). Each session is removed at the
    end. Bounded: a job still running after ``timeout`` seconds fails the test.
    A job that wants every thread to have *loaded* its rows before any of them acts
    waits on its own ``threading.Barrier(len(jobs), timeout=…)`` after loading.
    """
    if not jobs:
        raise ValueError("run_together needs at least one job")
    barrier = threading.Barrier(len(jobs), timeout=timeout)
    outcomes: Outcomes = Outcomes([None] * len(jobs))

    def worker(index: int, job: Callable[[], Any]) -> None:
        with app.test_request_context():
            try:
                barrier.wait()
                outcomes[index] = job()
                db.session.commit()
            except BaseException as error:  # noqa: BLE001 (the outcome the test asserts on)
                db.session.rollback()
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    deadline = time.monotonic() + timeout + 5
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    hung = sum(thread.is_alive() for thread in threads)
    if hung:
        pytest.fail(f"run_together: {hung} of {len(jobs)} jobs still running after {timeout:.0f} s")
    return outcomes


@pytest.fixture
def run_together(app):
    """``run_together([job, job, …], timeout=20)`` → ``Outcomes`` (see ``start_together``).
    The jobs see only what the test has committed."""

    def run(jobs: Sequence[Callable[[], Any]], *, timeout: float = 20.0) -> Outcomes:
        return start_together(app, jobs, timeout=timeout)

    return run
