"""The database going away under the app: later requests succeed without a
restart (the pool hands out only live connections, core/db.py), and a request
caught in flight writes nothing."""
from __future__ import annotations

import os
import time

import psycopg
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from accounts.models import User
from core.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (TEST_DATABASE_URL)",
)


def _kill_every_other_connection() -> int:
    """What a database restart does to the app's pooled connections: every server
    process ends (and is gone before the next request comes, as after a restart)."""
    killer = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    others = (
        "FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    try:
        with killer.connect() as connection:
            killed = connection.execute(text(f"SELECT count(pg_terminate_backend(pid)) {others}")).scalar()
            deadline = time.monotonic() + 10
            while connection.execute(text(f"SELECT count(*) {others}")).scalar():
                assert time.monotonic() < deadline, "terminated server processes did not end"
                time.sleep(0.02)
            return killed
    finally:
        killer.dispose()


def test_requests_succeed_after_connections_are_killed(client, make_user):
    phone = make_user().phone
    assert client.get("/healthz").status_code == 200
    db.session.commit()
    db.session.close()
    assert _kill_every_other_connection() >= 1
    # No restart: the pool notices the dead connections and opens new ones.
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    response = client.post("/login", data={"identifier": phone, "password": "kopi bajawa pagi hari"})
    assert response.status_code == 302


def test_a_write_caught_by_the_restart_leaves_nothing_behind(client):
    db.session.close()
    db.session.add(User(name="Daniel Lay", phone="+6281399990001", password_hash="x"))
    db.session.flush()  # the row is written inside the open transaction
    _kill_every_other_connection()
    with pytest.raises(DBAPIError):  # the driver's "connection closed" error; its effect is checked below
        db.session.commit()
    db.session.rollback()
    db.session.close()
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == "+6281399990001")) == 0
    assert client.get("/healthz").status_code == 200


def test_a_page_costs_no_ping_round_trip(client, make_user, monkeypatch, count_queries):
    """Checking out a pooled connection sends nothing to the server (no ping such
    as ``;`` or ``SELECT 1`` before each request's statements): the driver sends
    exactly the page's own statements."""
    user = make_user()
    client.post("/login", data={"identifier": user.phone, "password": "kopi bajawa pagi hari"})
    sent: list[str] = []
    real_execute = psycopg.Cursor.execute

    def recording_execute(cursor, query, *args, **kwargs):
        sent.append(query if isinstance(query, str) else str(query))
        return real_execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording_execute)
    with count_queries() as page:
        db.session.close()  # the request checks a connection out of the pool
        assert client.get("/account").status_code == 200
    assert page.count >= 1
    assert sent == page.statements


def test_an_ended_connection_is_seen_without_a_round_trip():
    from core.db import server_hung_up

    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        connection.rollback()
        assert not server_hung_up(raw)
        assert _kill_every_other_connection() >= 1
        assert server_hung_up(raw)
        connection.invalidate()
