"""The Satgas queue on many reports (issue 14): its two orders are read off an
index (PostgreSQL) instead of sorting every report, and they stay what they were:
urgent and still open first, a closed urgent report among the others."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from community.reports import desk
from core.extensions import db
from tests.conftest import POSTGRES


def test_a_closed_urgent_report_loses_its_place_at_the_top(client, login_as, make_report):
    closed_urgent = make_report(urgent=True)[0]
    open_urgent = make_report(urgent=True)[0]
    plain = make_report()[0]
    newest = make_report()[0]
    closed_urgent.status = "closed"
    db.session.commit()
    login_as("satgas")
    for query in ("", "?sort=happened"):
        html = client.get("/forum/lapor/desk" + query).get_data(as_text=True)
        order = [open_urgent.code, newest.code, plain.code, closed_urgent.code]
        assert [html.index(code) for code in order] == sorted(html.index(code) for code in order), query


@pytest.mark.skipif(not POSTGRES, reason="the indexes are PostgreSQL's")
@pytest.mark.parametrize("sort", [None, "happened"])
def test_both_orders_are_read_off_an_index(make_report, sort):
    """With sorting made prohibitively dear the plan still has no Sort node: the
    ORDER BY is spelled as the index is (a CASE with bound values would not match)."""
    make_report(urgent=True)
    statement = desk.queue_statement(sort=sort).limit(26).offset(0)
    compiled = statement.compile(db.engine)
    with db.engine.connect() as connection:
        connection.execute(text("SET LOCAL enable_sort = off"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params))
    assert "Sort" not in plan, plan
    assert ("ix_reports_queue_happened" if sort else "ix_reports_queue_sent") in plan, plan
