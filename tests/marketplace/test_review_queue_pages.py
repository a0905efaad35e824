"""The staff review queue on many businesses (issue 14): it shows a page at a time
(oldest first, the status kept from page to page) instead of every business of
the status, in the same number of statements whatever their number."""
from __future__ import annotations

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
