"""Public pages: only approved, open businesses ever show (pages, product URLs,
search, sitemap); the positive is asserted beside every negative."""
from __future__ import annotations

import pytest

HIDDEN = [
    dict(status="pending"),
    dict(status="changes_requested"),
    dict(status="declined"),
    dict(paused=True),
    dict(suspended=True),
]


@pytest.mark.parametrize("state", HIDDEN, ids=lambda s: next(iter(s)) + "=" + str(next(iter(s.values()))))
def test_hidden_businesses_never_show_publicly(client, make_business, make_product, state):
    shown = make_business(name="Kopi Bajawa Mama Lena")
    shown_product = make_product(shown, name="Kopi Bajawa bubuk")
    hidden = make_business(name="Sambal Lu'at Tersembunyi", **state)
    hidden_product = make_product(hidden, name="Sambal lu'at botol")
    assert client.get(f"/pasar/usaha/{shown.id}").status_code == 200
    assert client.get(f"/pasar/produk/{shown_product.id}").status_code == 200
    assert client.get(f"/pasar/usaha/{hidden.id}").status_code == 404
    assert client.get(f"/pasar/produk/{hidden_product.id}").status_code == 404
    assert client.get(f"/pasar/produk/{hidden_product.id}/pesan").status_code == 404
    home = client.get("/pasar/").get_data(as_text=True)
    assert "Kopi Bajawa bubuk" in home
    assert "Sambal lu" not in home
