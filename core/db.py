"""Database helpers shared by every package."""
from __future__ import annotations

import select
from collections import namedtuple
from datetime import UTC, datetime

from sqlalchemy import BindParameter, Integer, Select, bindparam, event
from sqlalchemy.engine import Engine, Result
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import DateTime, TypeDecorator

from core.extensions import db


def utcnow() -> datetime:
    """Timezone-aware current UTC time; pass the function itself as a column default."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC, always hand back aware UTC datetimes (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def written(name: str, type_=None) -> BindParameter:
    """A value given when the statement runs (``{name: value}``) but written into its
    SQL as a literal (``literal_execute``), so PostgreSQL plans with it.

    PostgreSQL keeps one plan for a prepared statement only when a plan made without
    the parameters' values is not estimated to cost much more than one made with
    them. Some values it cannot estimate without seeing them (``LIMIT $1``: it
    assumes a tenth of the rows; ``starts_at >= $1 AND starts_at < $2``: a fixed
    fraction), so such a statement was planned anew on every request (0.3 to 1 ms
    each time). Written in, each value is its own statement, prepared and planned
    once: use it for values with few distinct values in practice (a page size, a
    page, a day), never for one that changes on every request (now)."""
    return bindparam(name, type_=type_, literal_execute=True)


def row_count(name: str) -> BindParameter:
    """A number of rows for LIMIT or OFFSET (``written``): the category thread list,
    the KUR, Satgas and (on the large set only) registrar queues were planned anew
    on every request with ``LIMIT $1``."""
    return written(name, Integer)


def paginated(statement: Select, limit: str | int = "limit", offset: str | int = "offset") -> Select:
    """``statement`` with its LIMIT and OFFSET written into the SQL as numbers: each
    a parameter's name, given when a statement built once runs (``row_count``), or
    the number itself, for a statement built per request."""
    return statement.limit(_rows(limit)).offset(_rows(offset))


def _rows(given: str | int) -> BindParameter:
    if isinstance(given, str):
        return row_count(given)
    return bindparam(None, given, type_=Integer, unique=True, literal_execute=True)


def plain_rows(statement: Select, params: dict | None = None) -> Result:
    """Run a SELECT of columns (no ORM entities) on the session's connection: the
    same rows as ``db.session.execute`` gives, without the ORM's per-statement work
    (its execution context, result wrapping and events): 0.14 ms less for the
    member home's statement of 30 columns (0.49 against 0.35 ms), about a quarter
    of a statement's cost on the Python side. The session's pending changes are
    flushed first, as its own ``execute`` does, so a row written in the request is
    read back. Only for columns: an entity's rows would not enter the session."""
    session = db.session()
    if session.autoflush and (session.new or session.dirty or session.deleted):
        session.flush()
    return session.connection().execute(statement, params or {})


_ROW_TYPES: dict[tuple[str, ...], type] = {}


def plain_list(statement: Select, params: dict | None = None) -> list[tuple]:
    """``plain_rows(statement, params).all()`` as named tuples, for a list whose
    columns a page reads by name (``row.title``, in Python or a template). A
    SQLAlchemy ``Row`` answers a name through ``__getattr__``, after the normal
    lookup has failed: about 0.6 microseconds each, 150 for a page of 20 threads
    of 13 columns. A named tuple answers it from a slot (about 25 times faster,
    conversion included). One tuple type per set of column names, made once."""
    result = plain_rows(statement, params)
    names = tuple(result.keys())
    row_type = _ROW_TYPES.get(names)
    if row_type is None:
        row_type = _ROW_TYPES[names] = namedtuple("PlainRow", names)
    new = tuple.__new__
    return [new(row_type, row) for row in result]


def configure_sqlite(engine: Engine) -> None:
    """WAL mode, foreign keys and a busy timeout for SQLite connections."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database and engine.url.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def server_hung_up(dbapi_connection) -> bool:
    """Whether PostgreSQL has ended this idle pooled connection (a restart, a
    terminated backend, a closed socket), without a round trip: an idle connection
    has nothing to read unless the server sent its goodbye ("terminating
    connection") and closed the socket. Anything readable, a closed or broken
    connection, or a socket that cannot be polled counts as ended."""
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    except (OSError, ValueError, AttributeError):
        return True
    return bool(readable)


# psycopg converts each query's text (``%(name)s`` placeholders to ``$1``) once and
# remembers the result, but only for a text of at most 4,096 bytes: a longer one is
# scanned again on every run. The member home's one statement for every card is
# about 5,100 bytes (a page's statements are built once, so their texts are a fixed
# few): kept, its request takes 5 % less CPU. The limit is a module setting of the
# pinned psycopg (3.3.9), read at start-up (an upgrade without it fails loudly;
# tests/core/test_plain_rows.py checks the home is converted once).
STATEMENT_TEXT_KEPT_UP_TO = 16_384


def keep_long_statement_texts(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return
    from psycopg import _queries

    if not hasattr(_queries, "MAX_CACHED_STATEMENT_LENGTH"):
        raise RuntimeError("psycopg no longer has MAX_CACHED_STATEMENT_LENGTH: see core.db")
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH,
                                               STATEMENT_TEXT_KEPT_UP_TO)


def configure_postgres_liveness(engine: Engine) -> None:
    """Hand out only live PostgreSQL connections, as ``pool_pre_ping`` would, but
    without its ``SELECT 1`` round trip on every checkout (one of the few round
    trips a page makes): a connection the server has ended is dropped and the pool
    opens a new one (SQLAlchemy's pessimistic disconnect handling, custom form).
    After a database restart the next requests succeed without restarting the app
    (tests/core/test_resilience.py). A connection silently cut off by the network,
    with nothing sent back, is found by its first query instead, which fails that
    request and makes the pool drop every connection opened before it."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "checkout")
    def _only_live(dbapi_connection, _record, _proxy):
        if server_hung_up(dbapi_connection):
            raise DisconnectionError("the database server ended this connection")
