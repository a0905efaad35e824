"""The store of kept market pages (marketplace/cache.py) cannot be flooded, and a
change to one business redraws only the pages it shows on, while every change
still shows at once everywhere it should."""
from __future__ import annotations

import re

from core.extensions import db
from marketplace import businesses, cache, products, review
from marketplace.models import Product
from tests.marketplace.test_member_pages import MARKET_TABLES


def _reads_market_rows(client, count_queries, url) -> bool:
    with count_queries() as log:
        assert client.get(url).status_code == 200, url
    return bool([s for s in log.statements if MARKET_TABLES.search(s)])


def _kinds() -> list[str]:
    return [kind for kind, _key, _parts in cache.kept()]


def test_junk_query_strings_take_no_place_of_their_own(client, make_business, make_product):
    business = make_business(name="Kebun Tualaka")
    make_product(business, name="Kopi Bajawa bubuk", tags="kopi")
    for n in range(5):  # unknown parameters, and the same search spelled otherwise
        client.get(f"/pasar/?junk={n}")
        client.get(f"/pasar/usaha/{business.id}?utm_source={n}&fbclid=x{n}")
        client.get(f"/pasar/cari?q=kopi&page=1&x{n}=1&min=abc{n}")
        client.get(f"/pasar/cari?q=+kopi{' ' * n}&kategori=nope{n}")
    assert sorted(_kinds()) == ["business", "home", "search"]
    # What is kept is drawn from the normalised request: no junk in its form.
    client.get("/pasar/cari?q=kopi&min=abc7")
    client.get("/pasar/?q=ikat-sumba")
    bodies = {kind: str(parts["body"]) for kind, _key, parts in cache.kept()}
    assert "abc" not in bodies["search"] and 'value="kopi"' in bodies["search"]
    assert "ikat-sumba" not in bodies["home"]


def test_pages_past_the_last_long_and_empty_searches_are_not_kept(client, make_business, make_product):
    make_product(make_business(), name="Kopi Bajawa bubuk", tags="kopi")
    for page in (2, 3, 499, 10**9):
        assert client.get(f"/pasar/cari?q=kopi&page={page}").status_code == 200
    assert "Tidak ada yang cocok" in client.get("/pasar/cari?q=qwzx").get_data(as_text=True)
    long_query = "kopi " + "bubuk " * 10  # found, shown, but not kept
    assert "Kopi Bajawa" in client.get(f"/pasar/cari?q={long_query}").get_data(as_text=True)
    assert _kinds() == []
    client.get("/pasar/cari?q=kopi")
    assert _kinds() == ["search"]


def test_a_flood_of_searches_evicts_neither_the_home_nor_a_business_page(client, make_business, make_product,
                                                                          count_queries):
    business = make_business(name="Kebun Tualaka")
    make_product(business, name="Kopi Bajawa bubuk", tags="kopi", price=65000)
    urls = ["/pasar/", f"/pasar/usaha/{business.id}"]
    for url in urls:
        client.get(url)
    for n in range(cache.LIMITS["search"] + 30):  # each finds the coffee: all kept, within the bound
        client.get(f"/pasar/cari?q=kopi&maks={65000 + n}&junk{n}=1")
    for n in range(cache.LIMITS["search"] + 30):  # junk that finds nothing takes no place at all
        client.get(f"/pasar/cari?q=zq{n:x}")
    sizes = {}
    for kind, _key, _parts in cache.kept():
        sizes[kind] = sizes.get(kind, 0) + 1
    assert sizes == {"home": 1, "business": 1, "search": cache.LIMITS["search"]}
    for url in urls:
        assert not _reads_market_rows(client, count_queries, url), url


def test_a_change_to_one_business_keeps_the_others_pages(client, make_business, make_product, count_queries):
    kopi, tenun = make_business(name="Kebun Tualaka"), make_business(name="Tenun Ina Ama")
    bubuk = make_product(kopi, name="Kopi Bajawa bubuk", price=65000, tags="kopi")
    make_product(tenun, name="Selendang ikat", price=250000)
    kopi_url, tenun_url = f"/pasar/usaha/{kopi.id}", f"/pasar/usaha/{tenun.id}"
    lists = ["/pasar/", "/pasar/cari?q=kopi", f"/pasar/produk/{bubuk.id}"]
    for url in (kopi_url, tenun_url, *lists):
        client.get(url)
    products.update_product(kopi.members[0].user, db.session.get(Product, bubuk.id), {"price": 70000})
    db.session.commit()
    assert not _reads_market_rows(client, count_queries, tenun_url)  # still kept
    for url in (kopi_url, *lists):  # the change shows at once where the product shows
        page = client.get(url).get_data(as_text=True)
        assert "Rp 70.000" in page and "Rp 65.000" not in page, url
    added = make_product(kopi, name="Gula aren Manggarai", price=30000)
    for url in (kopi_url, "/pasar/"):
        assert "Gula aren Manggarai" in client.get(url).get_data(as_text=True), url
    assert not _reads_market_rows(client, count_queries, tenun_url)
    assert client.get(f"/pasar/produk/{added.id}").status_code == 200


def test_a_suspended_business_is_gone_everywhere_at_once(client, make_user, make_business, make_product):
    kopi, tenun = make_business(name="Kebun Tualaka"), make_business(name="Tenun Ina Ama")
    bubuk = make_product(kopi, name="Kopi Bajawa bubuk", tags="kopi")
    urls = [f"/pasar/usaha/{kopi.id}", f"/pasar/produk/{bubuk.id}", "/pasar/", "/pasar/cari?q=kopi",
            "/pasar/cari?q=tualaka"]
    for url in (*urls, f"/pasar/usaha/{tenun.id}"):
        assert client.get(url).status_code == 200
    review.suspend_business(make_user(roles=("umkm_staff",)), kopi, "Foto produk menyesatkan.")  # a guarded update
    db.session.commit()
    assert client.get(urls[0]).status_code == client.get(urls[1]).status_code == 404
    for url in urls[2:]:
        page = client.get(url).get_data(as_text=True)
        assert "Kopi Bajawa" not in page and "Tualaka" not in page, url
    assert "Tenun Ina Ama" in client.get(f"/pasar/usaha/{tenun.id}").get_data(as_text=True)


def test_an_edited_business_shows_at_once_on_its_page_and_in_searches(client, make_business, make_product):
    kopi = make_business(name="Kebun Tualaka")
    make_product(kopi, name="Kopi Bajawa bubuk", tags="kopi")
    urls = [f"/pasar/usaha/{kopi.id}", "/pasar/cari?q=kopi"]
    for url in urls:
        client.get(url)
    businesses.update_business(kopi.members[0].user, kopi, {"name": "Kebun Kopi Wolobobo"})
    db.session.commit()
    for url in urls:
        page = client.get(url).get_data(as_text=True)
        assert "Wolobobo" in page and not re.search(r"Tualaka(?! bubuk)", page), url


# --- the browser tests' one live server: no kept page passes from a test to the next ----
# Both tests draw the same business page at the same version of an emptied database
# (same ids, same number of changes); the second must show its own business.

def _through_the_live_server(live_server, make_business, name: str) -> str:
    from urllib.request import urlopen

    business = make_business(name=name)
    with urlopen(f"{live_server}/pasar/usaha/{business.id}") as response:  # noqa: S310 (the local live server)
        return response.read().decode()


def test_a_live_server_page_kept_in_one_test(live_server, make_business):
    assert "Ikan Asap Lamalera" in _through_the_live_server(live_server, make_business, "Ikan Asap Lamalera")


def test_is_not_shown_in_the_next(live_server, make_business):
    page = _through_the_live_server(live_server, make_business, "Jagung Bose Ina")
    assert "Jagung Bose Ina" in page and "Lamalera" not in page


def test_a_searchs_filters_are_read_once_per_spelling_and_the_memo_is_bounded(
        client, make_business, make_product, monkeypatch):
    from marketplace import public_views
    from marketplace.forms import SearchForm

    business = make_business(name="Kebun Tualaka")
    make_product(business, name="Kopi Bajawa bubuk", tags="kopi")
    built = []
    real_init = SearchForm.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(SearchForm, "__init__", counting_init)
    public_views._canonical.clear()
    assert "Kopi Bajawa bubuk" in client.get("/pasar/cari?q=kopi&min=abc").get_data(as_text=True)
    assert len(built) == 2  # read the filters once, draw the page once
    for _ in range(3):
        assert "Kopi Bajawa bubuk" in client.get("/pasar/cari?q=kopi&min=abc").get_data(as_text=True)
    assert len(built) == 2  # neither read nor drawn again
    client.get("/pasar/cari?q=+kopi++&min=abc&utm=1")  # the same search spelled otherwise
    assert len(built) == 3  # read once; the kept page is the same
    monkeypatch.setattr(public_views._canonical, "bound", 5)
    for n in range(20):
        client.get(f"/pasar/cari?q=zz{n}")
    assert len(public_views._canonical) == 5
