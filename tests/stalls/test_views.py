"""Stalls pages: roles (403), other people's applications (404), the vendor's
flow, fee tampering, query budgets of the curation queue and the stall map."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from marketplace.stalls import applications as apps
from marketplace.stalls import decisions
from marketplace.stalls.models import Stall, StallApplication
from payments.models import Invoice


def _staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("marketplace.stalls.staff_")]


def _fill(rule, ids):
    return re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)


@pytest.mark.parametrize("role", ["member", "counselor", "moderator", "registrar"])
def test_every_staff_route_refuses_other_roles(app, client, login_as, role, saboak_day, make_business):
    login_as(role)
    application = apps.apply_for_days(
        (business := make_business()).members[0].user, business, [saboak_day], "food")[0]
    db.session.commit()
    ids = {"day_id": saboak_day.id, "market_id": saboak_day.market_id, "application_id": application.id,
           "stall_id": saboak_day.market.stalls[0].id}
    walked = 0
    for rule in _staff_rules(app):
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(_fill(rule, ids), method=method, data={"decision": "decline", "reason": "x"})
        assert response.status_code == 403, rule.rule
        walked += 1
    assert walked == 15
    assert db.session.get(StallApplication, application.id).status == "applied"


def test_staff_see_every_staff_page(app, client, login_as, saboak_day, make_business):
    login_as("umkm_staff")
    business = make_business()
    application = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0]
    db.session.commit()
    ids = {"day_id": saboak_day.id, "market_id": saboak_day.market_id, "application_id": application.id,
           "stall_id": saboak_day.market.stalls[0].id}
    pages = [r for r in _staff_rules(app) if "GET" in r.methods and "leases" not in r.endpoint]
    assert len(pages) == 7
    for rule in pages:
        assert client.get(_fill(rule, ids)).status_code == 200, rule.rule


def test_vendor_applies_and_sees_the_stall(client, auth, make_business, make_user, saboak_day):
    business = make_business()
    owner = business.members[0].user
    auth.login(owner)
    page = client.get(f"/pasar/lapak/ajukan/{saboak_day.market_id}")
    assert page.status_code == 200 and business.name.encode() in page.data
    response = client.post(f"/pasar/lapak/ajukan/{saboak_day.market_id}", data={
        "business_id": business.id, "day_ids": [saboak_day.id], "zone": "food", "note": ""})
    assert response.status_code == 302
    application = db.session.scalar(select(StallApplication))
    staff = make_user(roles=("umkm_staff",))
    decisions.approve(staff, application, db.session.scalar(select(Stall).where(Stall.code == "A-02")))
    db.session.commit()
    mine = client.get(f"/pasar/lapak/pengajuan/{application.id}")
    assert mine.status_code == 200 and b"A-02" in mine.data
    assert mine.headers["Cache-Control"] == "no-store"
    stall_map = client.get(f"/pasar/lapak/peta/{saboak_day.id}?lapak={application.stall_id}")
    assert business.name.encode() in stall_map.data and b"<svg" in stall_map.data


def test_someone_elses_application_is_404(client, login_as, make_business, saboak_day):
    business = make_business()
    application = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0]
    db.session.commit()
    login_as("member")
    assert client.get(f"/pasar/lapak/pengajuan/{application.id}").status_code == 404
    assert client.post(f"/pasar/lapak/pengajuan/{application.id}/tarik").status_code == 404
    assert db.session.get(StallApplication, application.id).status == "applied"


def test_member_without_an_approved_business_cannot_apply(client, login_as, saboak_day):
    login_as("member")
    page = client.get(f"/pasar/lapak/ajukan/{saboak_day.market_id}")
    assert b"daftarkan usaha Anda dulu" in page.data
    assert db.session.scalar(select(StallApplication)) is None


def test_the_fee_cannot_be_tampered_with(client, login_as, make_business, make_market, next_day):
    day = next_day(make_market(fee=25_000))
    business = make_business()
    application = apps.apply_for_days(business.members[0].user, business, [day], "food")[0]
    db.session.commit()
    login_as("umkm_staff")
    client.post(f"/pasar/lapak/staf/pengajuan/{application.id}/putuskan",
                data={"decision": "approve", "stall_code": "a-01", "fee": "1", "amount": "1"})
    invoice = db.session.scalar(select(Invoice))
    assert invoice.amount == 25_000


def test_staff_allocation_and_bulk(client, login_as, make_business, saboak_day):
    businesses = [make_business() for _ in range(4)]
    for b in businesses:
        apps.apply_for_days(b.members[0].user, b, [saboak_day], "food")
    db.session.commit()
    login_as("umkm_staff")
    page = client.get(f"/pasar/lapak/staf/hari/{saboak_day.id}")
    proposed = dict(re.findall(r'name="(stall-\d+)" form="allocate-form" list="zone-food" size="6" value="([^"]*)"',
                               page.data.decode()))
    assert sorted(v for v in proposed.values() if v) == ["A-01", "A-02"]
    response = client.post(f"/pasar/lapak/staf/hari/{saboak_day.id}/alokasi", data=proposed)
    assert response.status_code == 302
    statuses = sorted(db.session.scalars(select(StallApplication.status)))
    assert statuses == ["approved", "approved", "waitlisted", "waitlisted"]
    waiting = db.session.scalars(select(StallApplication.id).where(StallApplication.status == "waitlisted")).all()
    client.post(f"/pasar/lapak/staf/hari/{saboak_day.id}/massal",
                data={"application_ids": waiting, "decision": "decline", "reason": "Zona kuliner penuh"})
    assert sorted(db.session.scalars(select(StallApplication.status))) == ["approved", "approved", "declined", "declined"]


def _fields(page) -> dict[str, str]:
    """Every ``stall-<id>`` field the allocation form sends (shown or carried along)."""
    return dict(re.findall(r'name="(stall-\d+)"[^>]*? value="([^"]*)"', page.data.decode()))


def test_curation_queue_pages_and_page_two_shows_the_rest(client, login_as, make_business, make_market,
                                                           next_day, monkeypatch):
    from marketplace.stalls import staff_views

    monkeypatch.setattr(staff_views, "QUEUE_PER_PAGE", 3)
    day = next_day(make_market(stalls=[(f"A-{i:02d}", "food") for i in range(1, 6)]))
    names = [f"Warung Nomor {i}" for i in range(5)]
    for name in names:
        business = make_business(name=name)
        apps.apply_for_days(business.members[0].user, business, [day], "food")
    db.session.commit()
    login_as("umkm_staff")
    first, second = (client.get(f"/pasar/lapak/staf/hari/{day.id}?page={n}") for n in (1, 2))
    assert first.status_code == second.status_code == 200
    on_first = [n for n in names if n.encode() in first.data]
    on_second = [n for n in names if n.encode() in second.data]
    assert len(on_first) == 3 and len(on_second) == 2 and set(on_first) | set(on_second) == set(names)
    assert b'rel="next"' in first.data and b"page=2" in first.data
    assert b'rel="prev"' in second.data and b'rel="next"' not in second.data
    # Confirming from page 2 confirms the whole proposal, as from one long page.
    fields = _fields(second)
    assert len(fields) == 5 and all(fields.values())
    response = client.post(f"/pasar/lapak/staf/hari/{day.id}/alokasi", data=fields)
    assert response.status_code == 302
    assert sorted(db.session.scalars(select(StallApplication.status))) == ["approved"] * 5


def test_same_stall_twice_in_one_allocation_is_refused(client, login_as, make_business, saboak_day):
    first, second = make_business(), make_business()
    a = apps.apply_for_days(first.members[0].user, first, [saboak_day], "food")[0]
    b = apps.apply_for_days(second.members[0].user, second, [saboak_day], "food")[0]
    db.session.commit()
    login_as("umkm_staff")
    client.post(f"/pasar/lapak/staf/hari/{saboak_day.id}/alokasi", data={f"stall-{a.id}": "A-01", f"stall-{b.id}": "A-01"})
    assert db.session.scalar(select(StallApplication).where(StallApplication.status == "approved")) is None


def test_layout_edit_refuses_a_place_off_the_map(client, login_as, saboak_day):
    login_as("umkm_staff")
    data = {"code": "C-09", "zone": "produce", "width_cm": 300, "depth_cm": 300, "fee": 0,
            "x": 98, "y": 0, "w": 5, "h": 4, "active": "y"}
    page = client.post(f"/pasar/lapak/staf/pasar/{saboak_day.market_id}/tata-letak", data=data)
    assert b"keluar dari peta" in page.data
    assert db.session.scalar(select(Stall).where(Stall.code == "C-09")) is None
    client.post(f"/pasar/lapak/staf/pasar/{saboak_day.market_id}/tata-letak", data={**data, "x": 10})
    assert db.session.scalar(select(Stall).where(Stall.code == "C-09")).zone == "produce"


def _queue_queries(client, count_queries, day):
    with count_queries() as log:
        assert client.get(f"/pasar/lapak/staf/hari/{day.id}").status_code == 200
    return log.count


def test_curation_queue_query_budget_constant_with_500_applications(
        client, login_as, make_user, make_market, next_day, count_queries):
    from core.db import utcnow
    from marketplace.models import APPROVED, OWNER, Business, BusinessMember

    market = make_market(stalls=[(f"A-{i:02d}", "food") for i in range(40)])
    day = next_day(market)
    login_as("umkm_staff")
    owner = make_user()

    def add(n):
        for i in range(n):
            business = Business(name=f"Usaha {i}", category="kuliner", regency="kota-kupang",
                                whatsapp=owner.phone, status=APPROVED, returnee=i % 3 == 0)
            business.members.append(BusinessMember(user_id=owner.id, role=OWNER, accepted_at=utcnow()))
            db.session.add(business)
            db.session.flush()
            db.session.add(StallApplication(business_id=business.id, applicant_id=owner.id, market_id=market.id,
                                            market_day_id=day.id, zone="food"))
        db.session.commit()

    add(5)
    small = _queue_queries(client, count_queries, day)
    add(495)
    large = _queue_queries(client, count_queries, day)
    assert small == large
    assert large <= 10
    with count_queries() as log:  # a later page costs no more
        page = client.get(f"/pasar/lapak/staf/hari/{day.id}?page=5")
    assert page.status_code == 200 and b"Usaha 494<" in page.data and b"Usaha 0<" not in page.data  # the last rows
    assert log.count <= large  # never more than the first page


def test_stall_map_query_budget_constant(client, make_market, next_day, count_queries):
    small_day = next_day(make_market(stalls=[("A-01", "food")], name="Kecil"))
    large_day = next_day(make_market(stalls=[(f"A-{i:03d}", "food") for i in range(120)], name="Besar"))
    counts = []
    for day in (small_day, large_day):
        with count_queries() as log:
            page = client.get(f"/pasar/lapak/peta/{day.id}")
        assert page.status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1] <= 6
    assert page.data.count(b"<rect x=") == 121  # background + 120 stalls
    svg = client.get(f"/pasar/lapak/peta/{large_day.id}/peta.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.count(b"<text") == 120


def test_anonymous_stall_map_is_kept_and_every_change_shows_at_once(client, make_business, make_user,
                                                                  saboak_day, count_queries):
    url = f"/pasar/lapak/peta/{saboak_day.id}"
    assert client.get(url).status_code == 200
    with count_queries() as log:
        page = client.get(url)
    assert page.status_code == 200 and b"<svg" in page.data
    assert log.count == 1  # only the cache's version
    # A holding (a guarded status update, no ORM flush) shows at the next visit.
    business = make_business(name="Se'i Babi Om Yos")
    application = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0]
    staff = make_user(roles=("umkm_staff",))
    decisions.approve(staff, application, db.session.scalar(select(Stall).where(Stall.code == "A-02")))
    db.session.commit()
    assert "Se&#39;i Babi Om Yos" in client.get(url).get_data(as_text=True)
    # A stall's new code, the market's name and a cancelled day too.
    stall = db.session.scalar(select(Stall).where(Stall.code == "B-01"))
    stall.code = "B-09"
    saboak_day.market.name = "SABOAK Kota Baru"
    db.session.commit()
    text = client.get(url).get_data(as_text=True)
    assert "B-09" in text and "B-01" not in text and "SABOAK Kota Baru" in text
    from marketplace.stalls import days as daylib

    daylib.cancel_market_day(staff, saboak_day, "Hujan lebat")
    db.session.commit()
    assert "Hari pasar ini dibatalkan." in client.get(url).get_data(as_text=True)
    assert client.get("/pasar/lapak/peta/999999").status_code == 404


def test_stall_map_is_kept_once_for_members_and_visitors_alike(app, make_user, make_business, saboak_day,
                                                              count_queries):
    from marketplace import cache
    from tests.conftest import FreshRequestClient
    from tests.factories import Auth

    app.test_client_class = FreshRequestClient
    url = f"/pasar/lapak/peta/{saboak_day.id}"
    maria, yohanes = make_user(name="Maria Nenobais"), make_user(name="Yohanes Tefa")
    first, second, anonymous = app.test_client(), app.test_client(), app.test_client()
    Auth(first).login(maria)
    Auth(second).login(yohanes)
    assert first.get(url).status_code == 200  # a member asks first: kept as for a visitor
    with count_queries() as log:
        assert second.get(url).status_code == 200
    assert not [s for s in log.statements if "stall_" in s or "market_days" in s], log.statements
    nobody = anonymous.get(url).get_data(as_text=True)
    assert len(list(cache.kept())) == 1  # one rendering for everyone
    # The layout around the kept parts is drawn per request: each member gets their
    # own (the account link and their CSRF token), a visitor never a member's.
    tokens = set()
    for member in (first, second):
        text = member.get(url).get_data(as_text=True)
        assert "/account" in text and "/login" not in text
        tokens.add(re.search(r'name="csrf_token" value="([^"]+)"', text).group(1))
    again = anonymous.get(url).get_data(as_text=True)
    assert "/login" in again and "/account" not in again
    body = str(next(cache.kept())[2]["body"])
    assert body in again and body in nobody and "/account" not in body and "/login" not in body
    assert not any(token in body or token in again for token in tokens)
    # A new holding shows to a member at once too.
    business = make_business(name="Jagung Bose Ina Maria")
    application = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0]
    decisions.approve(make_user(roles=("umkm_staff",)), application,
                      db.session.scalar(select(Stall).where(Stall.code == "A-02")))
    db.session.commit()
    assert "Jagung Bose Ina Maria" in second.get(url).get_data(as_text=True)


def test_business_page_says_where_to_find_it_next(client, make_business, make_user, saboak_day):
    business = make_business(name="Jagung Bose Om Yos")
    application = apps.apply_for_days(business.members[0].user, business, [saboak_day], "food")[0]
    decisions.approve(make_user(roles=("umkm_staff",)), application,
                 db.session.scalar(select(Stall).where(Stall.code == "A-02")))
    db.session.commit()
    from marketplace.signals_out import next_stall

    with client.application.test_request_context():
        text, url = next_stall(db.session.get(type(business), business.id))
    assert "lapak A-02, SABOAK" in text and url == f"/pasar/lapak/peta/{saboak_day.id}?lapak={application.stall_id}"



def test_the_setup_time_is_written_as_each_language_writes_it(client, saboak_day):
    """Indonesian "14.00", English "14:00", on the kept map of each language."""
    url = f"/pasar/lapak/peta/{saboak_day.id}"
    assert "pukul 14.00 WITA" in client.get(url).get_data(as_text=True)
    client.set_cookie("rp_lang", "en")
    english = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in english and "14:00 WITA" in english and "14.00" not in english
