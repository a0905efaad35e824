"""``core.home.home_query``/``home_row``: every part of the home in one statement,
a part without a row (or that does not apply) giving ``None`` and leaving the
others alone, each viewer's own values."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accounts.models import User
from core import home
from core.home import USER_ID, home_query, home_row


@pytest.fixture
def parts(monkeypatch):
    """Only the parts a test registers (the app's own come back afterwards)."""
    monkeypatch.setattr(home, "_PARTS", {})
    monkeypatch.setattr(home, "_STATEMENTS", {})


def _name_statement():
    return select(User.name.label("name")).where(User.id == USER_ID()).limit(1)


def _nobody_statement():
    return select(User.id.label("id")).where(User.id == -1).limit(1)


def _count_statement():
    return select(func.count(User.id).label("members"))


def test_parts_are_asked_together_and_a_missing_row_is_none(app, parts, make_user, count_queries):
    maria, yohanes = make_user(name="Maria Seran"), make_user(name="Yohanes Tefa")
    home_query("name", _name_statement)
    home_query("nobody", _nobody_statement)
    home_query("count", _count_statement)
    home_query("staff only", _count_statement, when=lambda user: user.name == "Yohanes Tefa")
    assert maria.name and yohanes.name  # loaded before counting
    with app.test_request_context("/"), count_queries() as log:
        assert home_row("name", maria).name == "Maria Seran"
        assert home_row("nobody", maria) is None
        assert home_row("count", maria).members == 2
        assert home_row("staff only", maria) is None
        assert home_row("name", yohanes).name == "Yohanes Tefa"  # another viewer: her own values
        assert home_row("staff only", yohanes).members == 2
        assert home_row("name", maria).name == "Maria Seran"  # asked once per viewer and request
    assert len(log.statements) == 2, log.statements
    assert log.statements[0].count("count(users.id)") == 1  # the part for Yohanes only is not asked for Maria


def test_outside_a_request_each_call_asks(app, parts, make_user):
    maria = make_user(name="Maria Seran")
    home_query("name", _name_statement)
    with app.app_context():
        assert home_row("name", maria).name == "Maria Seran"
        assert home_row("missing part", maria) is None
