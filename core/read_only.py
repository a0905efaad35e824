"""Pages that only read, served without a transaction around them.

On PostgreSQL every request that touches the database pays two round trips for
its transaction, ``BEGIN`` before the first statement and ``ROLLBACK`` at the end,
on top of its own statements (a forum thread page: 3 statements, 5 round trips).
A view marked ``@read_only`` runs its statements on a connection in autocommit
mode instead: each SELECT is its own transaction, so those two round trips go.
Each statement still sees a consistent snapshot; two statements of one page may
see different ones (a count and a list a moment apart), which a page that only
shows data can bear.

A read-only request that tries to write anything fails loudly (``WriteInReadOnly``,
a 500 and a failing test), so a page cannot lose a write's atomicity by being
marked read-only by mistake. A page that writes only sometimes (the thread page
moving the reader's marker) calls ``writes_ahead()`` first: what follows runs in a
normal transaction, which the view commits as usual.

SQLite pays nothing for its transactions (no server), so there nothing changes.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event

from core.extensions import db

_OPTION = "rumahpurna_read_only"  # on the request's autocommit connection
_TRANSACTION = "rumahpurna_read_only_transaction"  # in g while the request is read-only
_READS = ("SELECT", "WITH", "VALUES", "SHOW")


class WriteInReadOnly(RuntimeError):
    """A statement other than a read in a request marked ``@read_only``."""


def read_only(view: Callable) -> Callable:
    """Mark a view whose GET (and HEAD) requests only read (see the module)."""
    view.read_only = True
    return view


def in_read_only_request() -> bool:
    return has_request_context() and g.get(_TRANSACTION) is not None


def writes_ahead() -> None:
    """End the read-only part of this request: the statements that follow run in a
    transaction (committed by the view). What was loaded stays loaded."""
    if not in_read_only_request():
        return
    g.pop(_TRANSACTION)
    session = db.session()
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()  # ends the autocommit connection's session transaction; sends nothing
    finally:
        session.expire_on_commit = keep


def _begin_read_only() -> None:
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "read_only", False):
        return
    session = db.session()
    if session.in_transaction():  # only a test's own session can be busy here
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", _OPTION: True})
    setattr(g, _TRANSACTION, session.get_transaction())


def _end_read_only(_error=None) -> None:
    """Hand the autocommit connection back at the end of the request (nothing is
    sent), unless ``writes_ahead`` already ended that part."""
    started = g.pop(_TRANSACTION, None)
    if started is not None and db.session().get_transaction() is started:
        db.session.rollback()


_WROTE = "rumahpurna_wrote"  # connection.info: a statement other than a SELECT in this transaction


def _begin_transaction(conn) -> None:
    conn.info[_WROTE] = False


def _watch_statement(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    """Before every statement: refuse a write in a read-only request, and note one
    that is not a plain SELECT (``_end_reads_with_commit``)."""
    head = statement.lstrip()[:6].upper()
    if head == "SELECT":
        return
    if conn.get_execution_options().get(_OPTION) and not head.startswith(_READS):
        endpoint = request.endpoint if has_request_context() else "?"
        raise WriteInReadOnly(
            f"a write in a read-only request ({endpoint}): call core.read_only.writes_ahead() first"
        )
    conn.info[_WROTE] = True


def _end_reads_with_commit(error=None) -> None:
    """End a request whose transaction only read with COMMIT instead of ROLLBACK.

    The same for the database, but psycopg forgets every prepared statement of a
    connection on a ROLLBACK: after each page not marked ``@read_only`` (a form, the
    login page) the next five runs of every statement on that connection were
    parsed and planned again (the member home's statement: 2 ms of planning each).
    Only a transaction of nothing but SELECTs, with no error, no pending change and
    nothing waiting in ``session.info`` for the commit or rollback hooks (an upload
    written in this transaction is removed on ROLLBACK) ends this way; anything
    else is rolled back as before."""
    if error is not None:
        return
    session = db.session()
    if (not session.in_transaction() or session.new or session.dirty or session.deleted
            or session.info or g.get(_TRANSACTION) is not None):
        return
    if session.connection().info.get(_WROTE, True):
        return
    session.commit()


def init_read_only(app: Flask) -> None:
    """Serve ``@read_only`` views without a transaction (PostgreSQL only). The hook
    runs before every other one, so even the user's own statement is outside a
    transaction."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        if not event.contains(db.engine, "before_cursor_execute", _watch_statement):
            event.listen(db.engine, "before_cursor_execute", _watch_statement)
            event.listen(db.engine, "begin", _begin_transaction)
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_read_only)
    app.teardown_request(_end_read_only)
    app.teardown_request(_end_reads_with_commit)
