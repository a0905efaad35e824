"""Pages marked ``@read_only`` (core/read_only.py): which they are, and on
PostgreSQL that they send every statement outside a transaction, as a member, a
staff member and a visitor, without tripping the write guard."""
from __future__ import annotations

import contextlib
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from accounts.models import User
from core.extensions import db
from core.uploads.store import _PENDING as PENDING_UPLOADS
from tests.conftest import POSTGRES, statements_inside_a_transaction

READ_ONLY = {
    "site.home", "accounts.account", "community.index", "community.category", "community.thread",
    "notifications.inbox", "mentoring.counseling.counselors",
    "mentoring.counseling.counselor_detail", "mentoring.training.trainings",
    "mentoring.counseling.staff_dashboard", "mentoring.counseling.staff_day",
    "mentoring.counseling.staff_requests", "mentoring.kur.kur_applications",
    "marketplace.index", "marketplace.search", "marketplace.business_detail",
    "marketplace.product_detail", "marketplace.stalls.day_map", "marketplace.stalls.day_map_svg",
    "community.adminduk.desk_queue", "community.reports.queue",
}


def test_the_read_only_pages_are_these(app):
    marked = {name for name, view in app.view_functions.items() if getattr(view, "read_only", False)}
    assert marked == READ_ONLY


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.parametrize("roles", [None, ("member",), ("member", "counselor", "umkm_staff")])
def test_read_only_pages_send_nothing_inside_a_transaction(client, login_as, roles):
    if roles:
        login_as(*roles)
    db.session.commit()
    with statements_inside_a_transaction() as inside:
        for path in ("/", "/account", "/inbox", "/counseling", "/trainings", "/forum/", "/pasar/", "/pasar/cari?q=kopi"):
            status = client.get(path).status_code
            assert status == (200 if roles or path == "/" or path.startswith("/pasar") else 302), path
    assert not inside


@contextmanager
def _commands_sent():
    """The transaction commands psycopg sends (BEGIN, COMMIT, ROLLBACK)."""
    import psycopg

    sent: list[str] = []
    real = psycopg.Connection._exec_command

    def spy(self, command, *args, **kwargs):
        sent.append(bytes(command).decode().split()[0])
        return real(self, command, *args, **kwargs)

    psycopg.Connection._exec_command = spy
    try:
        yield sent
    finally:
        psycopg.Connection._exec_command = real


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_a_page_that_only_read_ends_with_commit_and_keeps_the_prepared_statements(client, login_as):
    """psycopg forgets a connection's prepared statements on every ROLLBACK: a page
    that is not ``@read_only`` but only read ends with COMMIT instead."""
    login_as("member", "umkm_staff")
    db.session.commit()
    used = []  # the connection each statement of the request ran on

    def note(conn, *_args):
        used.append(conn.connection.dbapi_connection)

    def prepare_at_once(dbapi_connection, *_args):
        # Every statement prepared on its first run (psycopg's default is the fifth),
        # so the request's own statements are prepared whichever pooled connection it
        # gets: in a full run the pool also holds other tests' connections.
        dbapi_connection.prepare_threshold = 0

    event.listen(db.engine, "checkout", prepare_at_once)
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get("/pasar/staf").status_code == 200
        used.clear()
        with _commands_sent() as sent:
            assert client.get("/pasar/staf").status_code == 200
        assert "COMMIT" in sent and "ROLLBACK" not in sent
        assert used and used[-1]._prepared._names, "prepared statements were forgotten"
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
        event.remove(db.engine, "checkout", prepare_at_once)
        db.engine.dispose()  # no connection keeps the changed threshold


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_a_request_that_wrote_without_committing_is_still_rolled_back(app, make_user):
    user = make_user(name="Maria Nenobais")
    db.session.commit()
    with _commands_sent() as sent, app.test_request_context("/account"):  # its teardown runs on exit
        db.session.execute(db.text("UPDATE users SET name = 'Tertulis' WHERE id = :id"), {"id": user.id})
    assert "COMMIT" not in sent
    db.session.remove()  # what the end of the request's app context does: ROLLBACK
    assert db.session.get(User, user.id).name == "Maria Nenobais"


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.parametrize("case", ["upload waiting", "error"])
def test_a_request_with_an_upload_waiting_or_an_error_is_still_rolled_back(app, make_user, case):
    """An upload written in the transaction is removed on ROLLBACK (core/uploads):
    a request that only read but left one waiting, or failed, is never committed."""
    make_user()
    db.session.commit()
    with _commands_sent() as sent, contextlib.suppress(RuntimeError), app.test_request_context("/account"):
        db.session.execute(select(User.id)).all()
        if case == "upload waiting":
            db.session.info.setdefault(PENDING_UPLOADS, [])
        else:
            raise RuntimeError("the view failed")  # the teardown gets the error
    assert "COMMIT" not in sent
