"""Market lists read a page off an index whatever the number of businesses
(issue 14, PostgreSQL): the market home's newest returnee businesses and a page
of the staff review queue. With sorting and whole-table scans made prohibitively
dear, their plans still need no Sort node."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from core.extensions import db
from marketplace import browsing, review
from tests.conftest import POSTGRES

pytestmark = pytest.mark.skipif(not POSTGRES, reason="the plans are PostgreSQL's")


def _plan_of(call) -> str:
    statements = []

    def keep(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    (statement, parameters), = statements
    with db.engine.connect() as connection:
        connection.execute(text("SET LOCAL enable_sort = off"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))


@pytest.mark.parametrize("call,index", [
    (lambda: browsing.returnee_businesses(), "ix_market_businesses_returnee"),
    (lambda: review.review_queue("pending", 2), "ix_market_businesses_review"),
], ids=["returnees", "review-queue"])
def test_the_list_is_read_off_its_index(make_business, call, index):
    make_business(returnee=True)
    make_business(status="pending")
    plan = _plan_of(call)
    assert "Sort" not in plan and index in plan, plan
