"""Search over thread titles and post bodies.

SQLite: an FTS5 table with external content (``community_posts``), kept in sync by
triggers on that table, so every insert, edit and delete (also cascades and bulk
deletes) reaches the index. It is created with the posts table, or on first use
when missing (a migrated database), and then rebuilt from the posts.

PostgreSQL: ``to_tsvector('simple', search_text)`` with a GIN index on the same
expression (models.py).

Both only ever return visible posts of visible threads; the joins decide, not the
index, so a stale index can never leak a hidden post. Highlighting escapes the text
first and wraps matches in ``<mark>``.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import column, func, literal_column, select, table, text
from sqlalchemy.engine import Connection

from core.db import paginated
from core.extensions import db

FTS_TABLE = "community_posts_fts"
MAX_TERMS = 8
SNIPPET_CHARS = 220

_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS community_posts_fts USING fts5("
    "search_text, content='community_posts', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS community_posts_fts_ai AFTER INSERT ON community_posts BEGIN "
    "INSERT INTO community_posts_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS community_posts_fts_ad AFTER DELETE ON community_posts BEGIN "
    "INSERT INTO community_posts_fts(community_posts_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS community_posts_fts_au AFTER UPDATE OF search_text "
    "ON community_posts BEGIN "
    "INSERT INTO community_posts_fts(community_posts_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO community_posts_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
_SQLITE_REBUILD = "INSERT INTO community_posts_fts(community_posts_fts) VALUES ('rebuild')"
_SQLITE_DROP = "DROP TABLE IF EXISTS community_posts_fts"

_ready_engines: set[int] = set()


def install_sqlite_index(connection: Connection, rebuild: bool = False) -> None:
    """Create the FTS5 table and its triggers (SQLite only; idempotent)."""
    if connection.dialect.name != "sqlite":
        return
    if rebuild:
        connection.exec_driver_sql(_SQLITE_DROP)
    for statement in _SQLITE_DDL:
        connection.exec_driver_sql(statement)
    connection.exec_driver_sql(_SQLITE_REBUILD)


def ensure_index() -> None:
    """Create the SQLite index if this database lacks it (once per process)."""
    engine = db.engine
    if engine.dialect.name != "sqlite" or id(engine) in _ready_engines:
        return
    exists = db.session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name=:name"), {"name": FTS_TABLE}
    ).first()
    if not exists:
        install_sqlite_index(db.session.connection())
    _ready_engines.add(id(engine))


def terms(query: str) -> list[str]:
    """Words of a search query (letters and digits only, lower case, at most eight)."""
    words = [w.lower() for w in re.findall(r"\w+", query or "") if len(w) >= 2]
    unique: list[str] = []
    for word in words:
        if word not in unique:
            unique.append(word)
    return unique[:MAX_TERMS]


def search_posts(query: str, page: int, per_page: int = 20):
    """Visible posts matching every word of ``query`` (prefix match), best first.

    Returns ``(posts, has_next)``.
    """
    from community.models import Category, Post, Thread

    words = terms(query)
    if not words:
        return [], False
    from community.reading import author_options

    statement = (
        select(Post)
        .options(*author_options(Post))
        .join(Thread, Thread.id == Post.thread_id)
        .join(Category, Category.id == Thread.category_id)
        .where(Post.status == "visible", Thread.status == "visible")
    )
    if db.engine.dialect.name == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'::regconfig"), Post.search_text)
        tsquery = func.to_tsquery(
            literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words)
        )
        statement = statement.where(vector.op("@@")(tsquery)).order_by(
            func.ts_rank(vector, tsquery).desc(), Post.id.desc()
        )
    else:
        ensure_index()
        match = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
        fts = table(FTS_TABLE, column("rowid"))
        statement = (
            statement.join(fts, fts.c.rowid == Post.id)
            .where(literal_column(FTS_TABLE).op("MATCH")(match))
            .order_by(func.bm25(literal_column(FTS_TABLE)), Post.id.desc())
        )
    rows = list(
        db.session.scalars(paginated(statement, per_page + 1, (page - 1) * per_page)).unique()
    )
    return rows[:per_page], len(rows) > per_page


def _pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def highlight(value: str, query: str) -> Markup:
    """``value`` escaped, with the query's words wrapped in ``<mark>``."""
    pattern = _pattern(terms(query))
    if pattern is None:
        return escape(value)
    out = Markup("")
    last = 0
    for match in pattern.finditer(value):
        out += escape(value[last:match.start()])
        out += Markup("<mark>") + escape(match.group(0)) + Markup("</mark>")
        last = match.end()
    return out + escape(value[last:])


def snippet(value: str, query: str) -> Markup:
    """A short piece of ``value`` around the first match, highlighted."""
    pattern = _pattern(terms(query))
    start = 0
    if pattern is not None:
        found = pattern.search(value)
        if found:
            start = max(0, found.start() - 60)
    piece = value[start:start + SNIPPET_CHARS]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_CHARS < len(value) else ""
    return escape(prefix) + highlight(piece, query) + escape(suffix)
