"""The database going away under the app: later requests succeed without a
restart (``pool_pre_ping``), and a request caught in flight writes nothing."""
from __future__ import annotations

import os

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
    """What a database restart does to the app's pooled connections."""
    killer = create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar()
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
