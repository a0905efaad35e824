"""The staff KUR list on many applications (issue 14): a page is one statement
of plain rows (no count of every application, no member objects), in an order an
index gives, and it still shows what it showed: open ones first, longest waiting
first, the member's name, the days in the stage, finished ones after."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, text

from core.db import utcnow
from core.extensions import db
from mentoring.kur import applications, listing
from tests.conftest import POSTGRES, statements_inside_a_transaction


def _start(make_user, kur_start, business: str, days_ago: int, stage: str | None = None, name: str = "Ina"):
    application = applications.start_kur_application(make_user(name=name), kur_start(business_name=business))
    application.stage_changed_at = utcnow() - timedelta(days=days_ago)
    if stage:
        application.stage = stage
    return application


def test_open_applications_first_longest_waiting_first_then_finished_ones(client, login_as, make_user,
                                                                        kur_start):
    _start(make_user, kur_start, "Kios Lama Selesai", 400, stage="disbursed", name="Yakob Selesai")
    _start(make_user, kur_start, "Tenun Ndun", 30, name="Mama Dorkas")
    _start(make_user, kur_start, "Laundry Bana", 2, stage="survey", name="Om Yohanes")
    _start(make_user, kur_start, "Bengkel Ditolak", 90, stage="rejected", name="Ibu Lena")
    db.session.commit()
    login_as("member", "umkm_staff")
    html = client.get("/staff/kur").get_data(as_text=True)
    order = ["Tenun Ndun", "Laundry Bana", "Kios Lama Selesai", "Bengkel Ditolak"]
    assert [html.index(name) for name in order] == sorted(html.index(name) for name in order)
    assert "Mama Dorkas" in html and "Yakob Selesai" in html
    assert "30 hari di tahap ini" in html and "2 hari di tahap ini" in html
    assert "400 hari di tahap ini" not in html  # finished: no waiting time
    newest = client.get("/staff/kur?sort=newest").get_data(as_text=True)
    assert newest.index("Bengkel Ditolak") < newest.index("Tenun Ndun")  # created later


def test_a_page_is_one_statement_without_a_count(make_user, kur_start):
    for n in range(25):
        _start(make_user, kur_start, f"Usaha {n:02d}", n)
    db.session.commit()
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        page = listing.kur_applications_for_staff(None, None, "stuck", 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 1 and "count(" not in statements[0].lower()
    assert len(page.items) == 20 and page.has_next
    assert page.items[0].business_name == "Usaha 24" and page.items[0].member_name == "Ina"
    assert not any(isinstance(row, db.Model) for row in page.items)
    last = listing.kur_applications_for_staff(None, None, "stuck", 2)
    assert len(last.items) == 5 and not last.has_next


@pytest.mark.skipif(not POSTGRES, reason="the index is PostgreSQL's")
@pytest.mark.parametrize("sort", ["stuck", "newest"])
def test_both_orders_are_read_off_an_index(make_user, kur_start, sort):
    """With sorting made prohibitively dear, the plan still needs no Sort node: the
    ORDER BY is spelled exactly as an index is (a bound IN list would not match)."""
    _start(make_user, kur_start, "Tenun Ndun", 3)
    db.session.commit()
    statement = listing.kur_staff_statement(None, None, sort).limit(21).offset(0)
    compiled = statement.compile(db.engine)
    with db.engine.connect() as connection:
        connection.execute(text("SET LOCAL enable_sort = off"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(
            "EXPLAIN " + str(compiled), compiled.params))
    assert "Sort" not in plan, plan
    assert ("ix_kur_applications_queue" if sort == "stuck" else "ix_kur_applications_created") in plan, plan


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_the_staff_list_sends_nothing_inside_a_transaction(client, login_as, make_user, kur_start):
    _start(make_user, kur_start, "Tenun Ndun", 3)
    db.session.commit()
    login_as("member", "umkm_staff")
    db.session.commit()
    with statements_inside_a_transaction() as inside:
        for path in ("/staff/kur", "/staff/kur?sort=newest&stage=survey&regency=kota-kupang"):
            assert client.get(path).status_code == 200, path
    assert not inside
