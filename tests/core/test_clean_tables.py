"""The suite's own cleanup (``_empty_tables`` in tests/conftest.py): every test
leaves empty tables, and ids start again at their first value, as after
``TRUNCATE … RESTART IDENTITY``."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from accounts.models import User
from core.extensions import db
from tests.conftest import POSTGRES, _empty_tables


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }


def test_every_table_is_emptied_and_ids_start_again(make_user):
    first = make_user()
    make_user()
    assert first.id == 1  # the test before this one left the sequence restarted
    assert _row_counts()["users"] == 2 and _row_counts()["user_roles"] == 2

    _empty_tables()

    assert set(_row_counts().values()) == {0}
    assert make_user().id == 1


@pytest.mark.skipif(not POSTGRES, reason="the TRUNCATE fallback is PostgreSQL's")
def test_a_table_outside_the_models_pointing_at_ours_is_emptied_too(make_user):
    """DELETE cannot remove users that another table still points at; the cleanup
    then falls back to TRUNCATE … CASCADE, which empties that table as well."""
    user = make_user()
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE probe_refs (user_id integer REFERENCES users (id))"))
        connection.execute(text("INSERT INTO probe_refs VALUES (:id)"), {"id": user.id})
    try:
        _empty_tables()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM probe_refs")).scalar_one() == 0
            assert connection.execute(select(func.count()).select_from(User)).scalar_one() == 0
        assert make_user().id == 1
    finally:
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE probe_refs"))


@pytest.mark.skipif(not POSTGRES, reason="a PostgreSQL setting")
def test_the_test_engine_does_not_wait_for_the_disk_on_commit():
    """Only the suite's own engine (tests/conftest.py build_config): its commits are
    seen by other sessions as before, they just do not wait for fsync."""
    with db.engine.connect() as connection:
        assert connection.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
