"""On a 360 px phone: a member registers a business and a product with a photo,
UMKM staff approve it (without JavaScript), and a visitor without an account finds
it by search and sees the WhatsApp link with the product in its text (with and
without JavaScript)."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.browser_fixtures import _new_page
from tests.factories import PASSWORD
from tests.uploads.conftest import jpeg_bytes

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _no_sideways_scroll(page) -> None:
    page.wait_for_load_state()
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide


def test_register_approve_find_and_order(live_server, browser, phone_page, phone_page_nojs, make_user,
                                         screenshot, tmp_path, upload_root):
    member = make_user(name="Yohanes Tefa")
    staff = make_user(roles=("member", "umkm_staff"), name="Yuliana Ndun")
    photo = tmp_path / "sei.jpg"
    photo.write_bytes(jpeg_bytes((1200, 900)))

    page = phone_page
    _login(page, live_server, member)
    page.goto(f"{live_server}/pasar/usaha-saya/baru")
    _no_sideways_scroll(page)
    page.get_by_label("Nama usaha").fill("Se'i Om Yohanes")
    page.get_by_label("Jenis usaha").select_option("kuliner")
    page.get_by_label("Tentang usaha ini").fill("Se'i babi asap kayu kosambi dari Oesao.")
    page.get_by_label("Kabupaten/kota").select_option("kupang")
    page.get_by_label("Alamat", exact=True).fill("Jl. Timor Raya km 28, Oesao")
    page.get_by_label("Nomor WhatsApp usaha").fill("0812-3456-7890")
    page.get_by_label("Bisa antar pesanan").check()
    screenshot(page, "market-1-register")
    page.get_by_role("button", name="Daftarkan usaha").click()
    assert "Menunggu pemeriksaan" in page.content()
    page.get_by_role("link", name="Tambah produk").click()
    page.get_by_label("Nama produk").fill("Se'i babi 500 gram")
    page.get_by_label("Harga (rupiah, tanpa titik)").fill("95.000")
    page.get_by_label("Satuan").select_option("pack")
    page.get_by_label("Foto produk (boleh dikosongkan)").set_input_files(str(photo))
    page.get_by_role("button", name="Simpan produk").click()
    assert "Produk tersimpan" in page.content()
    assert page.locator("img[loading=lazy][width][height]").count() >= 1
    _no_sideways_scroll(page)
    screenshot(page, "market-2-my-business")

    desk = phone_page_nojs
    _login(desk, live_server, staff)
    desk.goto(f"{live_server}/pasar/staf")
    desk.locator("a.list__row", has_text="Se'i Om Yohanes").click()
    desk.get_by_role("button", name="Setujui, tampilkan di Pasar").click()
    assert "Usaha disetujui" in desk.content()
    _no_sideways_scroll(desk)

    for javascript in (True, False):
        context, visitor = _new_page(browser, javascript=javascript)
        try:
            visitor.goto(f"{live_server}/pasar/")
            _no_sideways_scroll(visitor)
            visitor.get_by_label("Cari produk atau usaha").fill("sei babi")
            visitor.get_by_role("button", name="Cari").click()
            _no_sideways_scroll(visitor)
            visitor.locator(".product-card a", has_text="Se'i babi 500 gram").click()
            link = visitor.get_by_role("link", name="Pesan via WhatsApp").get_attribute("href")
            assert link.startswith("https://wa.me/6281234567890?text=")
            assert "Se'i babi 500 gram (Rp 95.000 per bungkus)" in unquote(link)
            image = visitor.locator(".photo-strip img").first
            assert image.get_attribute("loading") == "lazy" and image.get_attribute("width")
            served = visitor.request.get(live_server + image.get_attribute("src"))
            assert served.status == 200 and served.headers["content-type"] == "image/webp"
            screenshot(visitor, f"market-3-product-{'js' if javascript else 'nojs'}")
        finally:
            context.close()
