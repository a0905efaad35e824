"""The "Pesan via WhatsApp" link: numbers typed any common way, Indonesian text
(accents, "&", "#", emoji, line breaks) encoded so WhatsApp shows it as typed."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from marketplace.whatsapp import order_text, wa_link, wa_number


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "62812-3456-7890",
                                   "(0812) 3456 7890", "812 3456 7890"])
def test_numbers_typed_any_way_become_wa_digits(typed):
    assert wa_number(typed) == "6281234567890"


@pytest.mark.parametrize("typed", ["", None, "12345", "0812", "+62 812", "wa.me/evil", "0812-3456-7890&text=x"])
def test_invalid_numbers_give_no_link(typed):
    assert wa_link(typed, "Halo") is None


def _text(link: str) -> str:
    parts = urlsplit(link)
    assert parts.scheme == "https" and parts.netloc == "wa.me"
    assert parts.path == "/6281234567890"
    assert set(parse_qs(parts.query)) == {"text"}
    return parse_qs(parts.query)["text"][0]


def test_indonesian_text_round_trips_exactly():
    text = order_text(
        greeting="Halo Café Se'i & Sambal #1 🌶️",
        lines=["Saya mau pesan: 2 × Se'i babi (Rp 95.000 per bungkus)", "Catatan: pedas?&x=1#anchor"],
        buyer_line="Nama saya: Maria Nenobais 😊",
    )
    link = wa_link("0812-3456-7890", text)
    assert " " not in link and "\n" not in link and "#" not in link.split("?", 1)[1]
    assert "%0A" in link and "%26" in link and "%23" in link and "%C3%A9" in link
    assert "%F0%9F%8C%B6" in link  # the chili pepper, as UTF-8
    assert _text(link) == text


def test_order_view_fills_product_quantity_price_and_buyer(client, make_business, make_product):
    business = make_business(whatsapp="+6281234567890")
    product = make_product(business, name="Se'i babi & sambal #2", price=95000, unit="pack")
    response = client.get(f"/pasar/produk/{product.id}/pesan", query_string={"jumlah": "3", "nama": "  Yohanes   Tefa "})
    assert response.status_code == 302
    text = _text(response.headers["Location"])
    assert "3 × Se'i babi & sambal #2 (Rp 95.000 per bungkus)" in text
    assert "Total: Rp 285.000" in text
    assert text.endswith("Nama saya: Yohanes Tefa")
    assert business.name in text


@pytest.mark.parametrize("quantity,shown", [("0", "1 ×"), ("-4", "1 ×"), ("abc", "1 ×"), ("5000", "999 ×")])
def test_order_quantity_is_bounded(client, make_business, make_product, quantity, shown):
    product = make_product(make_business(whatsapp="+6281234567890"))
    response = client.get(f"/pasar/produk/{product.id}/pesan", query_string={"jumlah": quantity})
    assert shown in _text(response.headers["Location"])


def test_logged_in_buyer_name_is_prefilled_in_the_link(client, login_as, make_business, make_product):
    product = make_product(make_business(whatsapp="+6281234567890"), name="Kopi Bajawa")
    login_as("member", name="Maria Nenobais")
    page = client.get(f"/pasar/produk/{product.id}").get_data(as_text=True)
    assert "Nama%20saya%3A%20Maria%20Nenobais" in page
    assert 'value="Maria Nenobais"' in page
