"""Paginated lists send their LIMIT and OFFSET as numbers written into the SQL
(``core.db.paginated``), so PostgreSQL can keep one plan per prepared statement
instead of planning every request anew; the rows are still the right ones."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, select

from accounts.models import User
from community.models import Category
from core.db import paginated
from core.extensions import db

PLACEHOLDER = re.compile(r"\b(LIMIT|OFFSET)\s+(\?|%\(|:)", re.IGNORECASE)  # a parameter, not a number
# How a page's list statement ends: its page, as parameters or as numbers.
ENDS_IN_PARAMETERS = re.compile(r"\bLIMIT\s+\S+\s+OFFSET\s+(\?|%\(\w+\)s|:\w+)$", re.IGNORECASE)
ENDS_IN_NUMBERS = re.compile(r"\bLIMIT\s+\d+\s+OFFSET\s+\d+$", re.IGNORECASE)


@contextmanager
def sent_statements():
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_paginated_gives_the_asked_rows_with_the_numbers_in_the_sql(app, make_user):
    ids = sorted(make_user().id for _ in range(5))
    statement = paginated(select(User.id).order_by(User.id))
    with sent_statements() as sent:
        first = db.session.scalars(statement, {"limit": 2, "offset": 0}).all()
        third = db.session.scalars(statement, {"limit": 2, "offset": 4}).all()
    assert first == ids[:2]
    assert third == ids[4:]
    assert "LIMIT 2 OFFSET 0" in sent[0] and "LIMIT 2 OFFSET 4" in sent[1]
    assert not any(PLACEHOLDER.search(text) for text in sent)


def test_every_paginated_list_page_writes_its_limit_as_a_number(client, login_as):
    """The lists that were planned anew on every request (the category thread list,
    the registrar, Satgas and KUR queues) and the other paginated lists, those built
    per request too."""
    db.session.add(Category(slug="usaha-umkm", name_id="Usaha & UMKM", name_en="Business"))
    db.session.commit()
    login_as("member", "registrar", "satgas", "umkm_staff", "counselor")
    pages = ("/forum/c/usaha-umkm", "/forum/adminduk/desk", "/forum/lapor/desk", "/staff/kur",
             "/inbox", "/trainings", "/forum/following", "/pasar/staf")
    for path in pages:
        with sent_statements() as sent:
            assert client.get(path).status_code == 200, path
        assert any(ENDS_IN_NUMBERS.search(text) for text in sent), path
        assert not [text for text in sent if ENDS_IN_PARAMETERS.search(text)], path
