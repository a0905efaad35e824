"""``core.db.plain_rows``: lists read as plain rows on the session's connection,
without the ORM's per-statement work, and still the rows the ORM would give."""
from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import select

from accounts.models import User
from core.db import plain_list, plain_rows
from core.extensions import db
from tests.conftest import POSTGRES


def test_the_same_rows_as_the_session_gives(app, make_user):
    for _ in range(3):
        make_user()
    statement = select(User.id, User.name, User.created_at).order_by(User.id)
    plain = plain_rows(statement).all()
    assert plain == db.session.execute(statement).all()
    assert plain[0].created_at.tzinfo is UTC  # the column types still apply


def test_a_change_not_yet_flushed_is_read_back(app, make_user):
    user = make_user(name="Maria Bere")
    statement = select(User.name).where(User.id == user.id)
    user.name = "Maria Nahak"  # pending in the session, not flushed
    assert plain_rows(statement).scalar_one() == "Maria Nahak"


def test_a_plain_list_holds_the_same_values_answering_names_from_a_slot(app, make_user):
    for _ in range(3):
        make_user()
    statement = select(User.id, User.name.label("label"), User.created_at).order_by(User.id)
    rows = plain_list(statement)
    assert rows == [tuple(row) for row in db.session.execute(statement).all()]
    assert [row.label for row in rows] == [row.label for row in plain_rows(statement)]
    assert rows[0].created_at.tzinfo is UTC
    assert rows[0]._fields == ("id", "label", "created_at")
    # A named tuple, not a Row: each name is a descriptor of the type, not a
    # fallback __getattr__ after a failed lookup.
    assert "label" in type(rows[0]).__dict__
    assert type(plain_list(statement)[0]) is type(rows[0])  # one type per set of names
    assert plain_list(statement.where(User.id < 0)) == []


@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_a_long_statement_text_is_converted_once(client, login_as, count_queries, monkeypatch):
    """The member home's statement for every card is longer than the 4,096 bytes
    psycopg keeps converted by default (core.db.keep_long_statement_texts): on a
    revisit no statement's text is scanned again."""
    from psycopg import _queries

    login_as("member")
    client.get("/")
    scanned = []
    original = _queries._query2pg_nocache
    monkeypatch.setattr(_queries, "_query2pg_nocache", lambda *args: scanned.append(args) or original(*args))
    with count_queries() as log:
        assert client.get("/").status_code == 200
    assert max(len(statement.encode()) for statement in log.statements) > 4096
    assert scanned == []
