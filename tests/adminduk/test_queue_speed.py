"""The registrars' queue on many requests (issue 14): a page reads the columns it
shows with the page's services (one statement: no count of every request, no
member objects joined to every open request, no NIK or KK number read or
decrypted), and it still shows the member's name, services, status, overdue
badge and the assignee."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from community.adminduk import desk
from community.adminduk.models import HelpRequest
from core.db import utcnow
from core.extensions import db
from tests.conftest import POSTGRES

PREFIX = "/forum/adminduk"


def test_the_queue_page_shows_names_services_and_overdue_badges(app, client, auth, registrar, member,
                                                               make_user, open_request):
    other = make_user(roles=("member",), name="Yohana Lado")
    fresh = open_request(services=("ktp-address", "moving"), nik="5371010101900001")
    old = open_request(other, services=("kk-child",))
    desk.assign(registrar, old, registrar)
    long_ago = utcnow() - timedelta(days=app.config["ADMINDUK_OVERDUE_DAYS"] + 1)
    db.session.execute(HelpRequest.__table__.update().where(HelpRequest.id == old.id)
                       .values(status_changed_at=long_ago))
    db.session.commit()
    auth.login(registrar)
    html = client.get(f"{PREFIX}/desk").get_data(as_text=True)
    assert html.index(f"#{old.id} Yohana Lado") < html.index(f"#{fresh.id} Maria Nenobais")
    assert "KTP-el: ganti alamat, Pindah domisili" in html and "KK: tambah anak" in html
    assert html.count("badge--urgent") == 1 and "Fransiskus Benu" in html and "belum ditangani" in html
    assert "5371010101900001" not in html


def test_a_queue_page_is_one_statement_without_a_count_or_encrypted_columns(registrar, open_request):
    for _ in range(30):
        open_request(services=("ktp-new", "ikd"), nik="5371010101900001")
    statements = []

    def keep(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        page = desk.queue_page(desk.QueueFilters(), registrar, 1)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 1, statements
    assert not [s for s in statements if "count(" in s or ".nik" in s or "kk_number" in s], statements
    assert len(page.items) == 25 and page.has_next and page.page == 1
    assert page.items[0].member_name == "Maria Nenobais" and page.items[0].services == ["ikd", "ktp-new"]
    assert not any(isinstance(row, db.Model) for row in page.items)
    second = desk.queue_page(desk.QueueFilters(), registrar, 2)
    assert len(second.items) == 5 and not second.has_next
    assert {r.id for r in page.items}.isdisjoint(r.id for r in second.items)


def _many_requests(member, count: int, now) -> None:
    """``count`` requests spread over the statuses and over time, one every hour
    going back (so some are overdue), with a service each."""
    from random import Random

    from sqlalchemy import insert

    from community.adminduk.models import STATUSES, RequestService

    rng = Random(14)
    rows = [{"member_id": member.id, "regency": "kota-kupang", "description": "x",
             "status": rng.choice(STATUSES), "status_changed_at": now - timedelta(hours=rng.randrange(24 * 20)),
             "created_at": now - timedelta(days=30)} for _ in range(count)]
    db.session.execute(insert(HelpRequest), rows)
    ids = db.session.scalars(db.select(HelpRequest.id)).all()
    db.session.execute(insert(RequestService), [{"request_id": i, "service": "ktp-new"} for i in ids])
    db.session.commit()


def _expected_order(filters, now, cutoff):
    from community.adminduk.models import OPEN_STATUSES, WAITING_ON_US

    requests = db.session.scalars(db.select(HelpRequest)).all()
    if filters == "open":
        requests = [r for r in requests if r.status in OPEN_STATUSES]
    elif filters == "overdue":
        requests = [r for r in requests if r.status in WAITING_ON_US and r.status_changed_at < cutoff]
    overdue = {r.id for r in requests if r.status in WAITING_ON_US and r.status_changed_at < cutoff}
    return [r.id for r in sorted(requests, key=lambda r: (r.id not in overdue, r.status_changed_at, r.id))]


def test_the_queue_order_holds_across_statuses_and_pages(app, registrar, member):
    """Overdue first (of any status waiting on us), then everything else oldest
    first whatever its status, page after page: the queue read in parts and merged
    gives the order one sort over every request gives."""
    now = utcnow()
    _many_requests(member, 120, now)
    cutoff = desk.overdue_cutoff()
    for status in ("open", "overdue", "all"):
        seen, page = [], 1
        while True:
            result = desk.queue_page(desk.QueueFilters(status=status), registrar, page, per_page=7)
            seen += [row.id for row in result.items]
            if not result.has_next:
                break
            page += 1
        assert seen == _expected_order(status, now, cutoff), status


@pytest.mark.skipif(not POSTGRES, reason="reads PostgreSQL's EXPLAIN ANALYZE")
def test_a_queue_page_reads_rows_for_the_page_not_for_every_request(registrar, member):
    """With 10,000 requests a first page reads at most 26 rows of each of its eight
    parts off the index (and a few ties; one sort over every open request read them all): the
    same work with ten times as many requests."""
    _many_requests(member, 10_000, utcnow())
    statement, params = desk.queue_statement(desk.QueueFilters(), registrar, limit=26)
    # The row counts are written into the SQL when it runs (core.db.row_count): here too.
    expanded = statement.compile(db.engine).construct_expanded_state(params)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE adminduk_requests")  # as production's autovacuum has
        plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + expanded.statement,
                                          expanded.parameters).scalar()
    read = 0

    def walk(node):
        nonlocal read
        if node.get("Relation Name") == "adminduk_requests":
            read += node["Actual Rows"] * node["Actual Loops"]
        for child in node.get("Plans", ()):
            walk(child)

    walk(plan[0]["Plan"])
    assert 0 < read <= 8 * 40, read  # 26 and a row or two of ties each; every request would be 7,000
