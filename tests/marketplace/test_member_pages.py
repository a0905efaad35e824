"""Logged-in members get the kept parts of the public market pages (marketplace/cache.py)
with only their own name filled in (marketplace/buyer.py), and every change still shows
at once."""
from __future__ import annotations

import re

import pytest

from core.extensions import db
from marketplace import buyer, cache
from tests.conftest import FreshRequestClient
from tests.factories import Auth

MARKET_TABLES = re.compile(r"\b(market_businesses|market_products|market_photos|stall_\w+|market_days)\b")


@pytest.fixture
def clients(app):
    app.test_client_class = FreshRequestClient

    def login(user):
        client = app.test_client()
        Auth(client).login(user)
        return client

    return login


def _kept_bodies() -> list[str]:
    return [str(parts["body"]) for _kind, _key, parts in cache.kept()]


def test_two_members_one_the_owner_each_see_only_their_own_name(app, clients, make_user, make_business,
                                                                 make_product):
    maria = make_user(name="Maria Nenobais")
    yohanes = make_user(name="Yohanes O'Neil & Tefa")
    business = make_business(owner=maria)
    product = make_product(business, name="Se'i sapi")
    make_product(business, name="Sambal lu'at")
    owner, other, anonymous = clients(maria), clients(yohanes), app.test_client()
    urls = [f"/pasar/usaha/{business.id}", f"/pasar/produk/{product.id}", "/pasar/", "/pasar/cari?q=sapi"]
    for _round in range(2):  # the second round is served from the kept parts
        for url in urls:
            mine, theirs = owner.get(url).get_data(as_text=True), other.get(url).get_data(as_text=True)
            nobody = anonymous.get(url).get_data(as_text=True)
            assert "Maria" not in theirs and "Maria" not in nobody, url
            assert "Yohanes" not in mine and "Yohanes" not in nobody, url
            assert buyer.LINK_MARK[:-1] not in mine + theirs + nobody, url
        business_page = owner.get(urls[0]).get_data(as_text=True)
        # The hello link and one link per product, each with the owner's name.
        assert business_page.count("%0ANama%20saya%3A%20Maria%20Nenobais\"") == 3
        product_page = other.get(urls[1]).get_data(as_text=True)
        assert "%0ANama%20saya%3A%20Yohanes%20O%27Neil%20%26%20Tefa\"" in product_page
        assert 'name="nama" maxlength="80" autocomplete="name" value="Yohanes O&#39;Neil &amp; Tefa"' in product_page
        assert "Nama%20saya" not in anonymous.get(urls[1]).get_data(as_text=True)
    # Kept: each page once for everyone, the two order pages once more with placeholders;
    # nobody's name in any of them.
    kept = _kept_bodies()
    assert len(kept) == len(urls) + 2
    assert not any("Maria" in body or "Yohanes" in body for body in kept)


def test_a_members_repeat_visit_reads_no_market_rows_and_a_change_shows_at_once(clients, make_user,
                                                                              make_business, make_product,
                                                                              count_queries):
    member = clients(make_user(name="Maria Nenobais"))
    business = make_business(name="Kebun Tualaka")
    product = make_product(business, name="Kopi Bajawa bubuk", price=65000, tags="kopi")
    urls = [f"/pasar/usaha/{business.id}", f"/pasar/produk/{product.id}", "/pasar/", "/pasar/cari?q=kopi"]
    for url in urls:
        assert "Rp 65.000" in member.get(url).get_data(as_text=True), url
        with count_queries() as log:
            page = member.get(url).get_data(as_text=True)
        assert "Rp 65.000" in page and "/account" in page and "/login" not in page, url  # her layout
        assert not [s for s in log.statements if MARKET_TABLES.search(s)], (url, log.statements)
    product.price = 70000
    db.session.commit()
    for url in urls:
        page = member.get(url).get_data(as_text=True)
        assert "Rp 70.000" in page and "Rp 65.000" not in page, url
    from marketplace import businesses

    businesses.pause_business(business.members[0].user, business)  # a guarded update, no ORM flush
    db.session.commit()
    assert member.get(urls[0]).status_code == member.get(urls[1]).status_code == 404
    assert "Kopi Bajawa" not in member.get(urls[2]).get_data(as_text=True)


def test_kept_parts_are_drawn_as_for_a_visitor_whoever_asks_first(app, clients, make_user, make_business):
    """A member asking first does not put their menu, links or token into what is kept."""
    business = make_business()
    member = clients(make_user(name="Maria Nenobais"))
    url = f"/pasar/usaha/{business.id}"
    page = member.get(url).get_data(as_text=True)
    assert "/account" in page  # the member's layout
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    nobody = app.test_client().get(url).get_data(as_text=True)
    assert "/login" in nobody and "/account" not in nobody and token not in nobody
    for body in _kept_bodies():
        assert "/account" not in body and "/logout" not in body and "Maria" not in body and token not in body


def test_the_placeholders_are_random_letters_and_digits():
    from urllib.parse import quote

    from markupsafe import escape

    for mark in (buyer.LINK_MARK, buyer.FIELD_MARK):
        assert mark.isalnum() and quote(mark, safe="") == mark == str(escape(mark)) and len(mark) > 24
    assert not buyer.LINK_MARK.startswith(buyer.FIELD_MARK) and not buyer.FIELD_MARK.startswith(buyer.LINK_MARK)
