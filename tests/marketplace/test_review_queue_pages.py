"""The staff review queue on many businesses (issue 14): it shows a page at a time
(oldest first, the status kept from page to page) instead of every business of
the status, in the same number of statements whatever their number."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from core.extensions import db
from marketplace import review


def test_the_queue_pages_oldest_first_and_keeps_the_status(client, login_as, make_business, monkeypatch):
    monkeypatch.setattr(review, "QUEUE_PER_PAGE", 3)
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    waiting = []
    for n in range(5):
        business = make_business(status="pending", name=f"Warung Antre {n}")
        business.created_at = start + timedelta(hours=n)
        waiting.append(business.name)
    shown = make_business(name="Sudah Tampil")
    db.session.commit()
    login_as("umkm_staff")
    first = client.get("/pasar/staf").get_data(as_text=True)
    second = client.get("/pasar/staf?status=pending&page=2").get_data(as_text=True)
    on_first = [name for name in waiting if name in first]
    on_second = [name for name in waiting if name in second]
    assert on_first == waiting[:3] and on_second == waiting[3:]
    assert [first.index(name) for name in on_first] == sorted(first.index(name) for name in on_first)
    assert 'rel="next"' in first and "status=pending" in first and "page=2" in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "Sudah Tampil" not in first + second
    assert "(5)" in first  # the tab still counts every waiting business
    approved = client.get("/pasar/staf?status=approved").get_data(as_text=True)
    assert shown.name in approved and 'rel="next"' not in approved
    past = client.get("/pasar/staf?page=99")
    assert past.status_code == 200 and "Tidak ada usaha dengan status ini" in past.get_data(as_text=True)
    assert client.get("/pasar/staf?page=x").status_code == 400


def test_the_queue_costs_the_same_for_3_or_40_waiting(client, login_as, make_business, count_queries):
    login_as("umkm_staff")

    def cost() -> tuple[int, int]:
        client.get("/pasar/staf")
        with count_queries() as log:
            html = client.get("/pasar/staf").get_data(as_text=True)
        return log.count, html.count('class="list__row"')

    for _ in range(3):
        make_business(status="pending")
    few = cost()
    for _ in range(37):
        make_business(status="pending")
    many = cost()
    assert few[0] == many[0] <= 10
    assert (few[1], many[1]) == (3, review.QUEUE_PER_PAGE)


def test_the_queue_is_kept_for_staff_only_and_a_decision_shows_at_once(app, make_user, make_business,
                                                                     count_queries):
    """Every staff member sees the same queue, so its parts are kept (one statement
    beyond the layout's on a repeat visit); a member still gets 403 once it is kept,
    and a new business, an approval and a new name show at the next visit."""
    from tests.conftest import FreshRequestClient
    from tests.factories import Auth

    app.test_client_class = FreshRequestClient
    waiting = make_business(status="pending", name="Warung Antre Satu")
    first, second, member = app.test_client(), app.test_client(), app.test_client()
    Auth(first).login(make_user(roles=("umkm_staff",), name="Petugas Ina"))
    Auth(second).login(make_user(roles=("umkm_staff",), name="Petugas Yos"))
    Auth(member).login(make_user(name="Maria Nenobais"))
    mine = first.get("/pasar/staf").get_data(as_text=True)
    assert "Warung Antre Satu" in mine
    token = re.search(r'name="csrf_token" value="([^"]+)"', mine).group(1)
    with count_queries() as log:
        page = second.get("/pasar/staf")
    assert page.status_code == 200 and "Warung Antre Satu" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert not [s for s in log.statements if "market_businesses" in s], log.statements
    assert token not in page.get_data(as_text=True)  # the layout, with its own token, is drawn per request
    assert member.get("/pasar/staf").status_code == 403
    assert app.test_client().get("/pasar/staf").status_code in (302, 401)
    make_business(status="pending", name="Warung Antre Dua")
    assert "Warung Antre Dua" in second.get("/pasar/staf").get_data(as_text=True)
    from marketplace import review as reviewing

    reviewing.approve_business(make_user(roles=("umkm_staff",)), waiting)  # a guarded update
    db.session.commit()
    text = first.get("/pasar/staf").get_data(as_text=True)
    assert "Warung Antre Satu" not in text and "Warung Antre Dua" in text
    assert "Warung Antre Satu" in first.get("/pasar/staf?status=approved").get_data(as_text=True)
