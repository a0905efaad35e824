"""Full-text search over business and product names and descriptions.

The same approach as the forum (community/search.py): SQLite keeps an FTS5 table
with external content per searched table, in sync through triggers; PostgreSQL uses
``to_tsvector('simple', search_text)`` with a GIN index on the same expression
(models.py). The index only finds candidates: the queries join the public
businesses, so a stale index can never show a hidden business or product.
"""
from __future__ import annotations

import re

from sqlalchemy import func, literal_column, or_, select, text
from sqlalchemy.engine import Connection

from core.extensions import db

MAX_TERMS = 6
_APOSTROPHES = re.compile("['\u2018\u2019`\u02bc]")
SEARCHED_TABLES = ("market_businesses", "market_products")


def sqlite_ddl(table: str) -> list[str]:
    """FTS5 table and sync triggers for ``table``'s ``search_text`` column."""
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_text, content='{table}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608 (fixed table names)
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608 (fixed table names)
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "  # noqa: S608 (fixed table names)
        f"INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
        f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    ]


def install_sqlite_index(connection: Connection, rebuild: bool = False) -> None:
    """Create the FTS5 tables and their triggers (SQLite only; idempotent)."""
    if connection.dialect.name != "sqlite":
        return
    for table in SEARCHED_TABLES:
        if rebuild:
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}_fts")
        for statement in sqlite_ddl(table):
            connection.exec_driver_sql(statement)
        connection.exec_driver_sql(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")  # noqa: S608 (fixed table names)


_ready_engines: set[int] = set()


def ensure_index() -> None:
    """Create the SQLite index if this database lacks it (once per process)."""
    engine = db.engine
    if engine.dialect.name != "sqlite" or id(engine) in _ready_engines:
        return
    exists = db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='market_products_fts'")
    ).first()
    if not exists:
        install_sqlite_index(db.session.connection())
    _ready_engines.add(id(engine))


def terms(query: str) -> list[str]:
    """Words of a query (letters and digits, lower case, at least two long, at most six)."""
    words: list[str] = []
    for word in re.findall(r"\w+", _APOSTROPHES.sub("", query or "")):
        word = word.lower()
        if len(word) >= 2 and word not in words:
            words.append(word)
    return words[:MAX_TERMS]


def _vector(model):
    return func.to_tsvector(literal_column("'simple'::regconfig"), model.search_text)


def _tsquery(words: list[str]):
    return func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words))


def matching_ids(model, words: list[str]):
    """A SELECT of the ids of ``model`` (Business or Product) rows matching every
    word (prefix), answered by the full-text index alone."""
    if db.engine.dialect.name == "postgresql":
        return select(model.id).where(_vector(model).op("@@")(_tsquery(words)))
    ensure_index()
    fts = f"{model.__tablename__}_fts"
    expression = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
    return select(model.id).where(model.id.in_(
        text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :expr").bindparams(expr=expression)  # noqa: S608 (fixed table names)
    ))


def row_matches(window, words: list[str]):
    """A WHERE condition on a small ``window`` of product rows (a subquery with the
    columns ``id``, ``business_id``, ``product_text`` and ``business_text``): the
    product or its business matches every word (prefix).

    On PostgreSQL each row's text is matched in turn (about 20 µs a row), which is
    only right on a window of a few hundred rows read off an index in listing
    order: for a common word that finds a page's products without reading the
    thousands of ids the GIN index holds for it (browsing.search_products)."""
    if db.engine.dialect.name == "postgresql":
        query = _tsquery(words)
        return or_(func.to_tsvector(literal_column("'simple'::regconfig"), window.c.product_text).op("@@")(query),
                   func.to_tsvector(literal_column("'simple'::regconfig"), window.c.business_text).op("@@")(query))
    from marketplace.models import Business, Product

    return or_(window.c.id.in_(matching_ids(Product, words)), window.c.business_id.in_(matching_ids(Business, words)))


def matches(model, words: list[str]):
    """A WHERE condition: ``model`` (Business or Product) matches every word (prefix).

    For one table only: in an ``OR`` with another table's match (a product or its
    business) use ``id IN matching_ids(...)`` on each side instead, or PostgreSQL
    computes ``to_tsvector`` for every joined row rather than asking the GIN index
    (2.2 s instead of milliseconds on 50,000 products, issue 14)."""
    if db.engine.dialect.name == "postgresql":
        return _vector(model).op("@@")(_tsquery(words))
    return model.id.in_(matching_ids(model, words))


def search_text(*parts: str | None) -> str:
    """The text stored for search: the parts joined, apostrophes dropped so that
    "se'i" and "sei" are one word, at most 4,000 characters."""
    text = " ".join(p.strip() for p in parts if p and p.strip())
    return _APOSTROPHES.sub("", text)[:4000]
