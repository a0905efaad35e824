"""On a 360 px phone: a member takes the returnee questionnaire, opens a request
with a photo in one tap from her checklist, the registrar (without JavaScript)
asks for a missing document, the member uploads it and sees the status change."""
from __future__ import annotations

import pytest

from community.adminduk.defaults import seed_defaults
from core.extensions import db
from tests.adminduk.conftest import photo
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
PREFIX = "/forum/adminduk"


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_bundle_request_registrar_asks_member_answers(
    live_server, phone_page, phone_page_nojs, make_user, screenshot
):
    seed_defaults()
    db.session.commit()
    member = make_user(name="Maria Nenobais")
    registrar = make_user(roles=("member", "registrar"), name="Fransiskus Benu")

    page = phone_page
    _login(page, live_server, member)
    page.goto(f"{live_server}{PREFIX}/bundle")
    page.get_by_label("Apakah KTP-el Anda hilang atau rusak?").check()
    page.get_by_role("button", name="Susun daftar saya").click()
    assert "Surat keterangan hilang dari polisi" in page.content()
    _no_sideways_scroll(page)
    screenshot(page, "adminduk-1-checklist")
    page.get_by_role("button", name="KK asli").click()
    assert page.get_by_role("button", name="KK asli").get_attribute("aria-pressed") == "true"

    page.get_by_role("link", name="Minta bantuan pendamping untuk semua ini").click()
    assert page.get_by_label("KTP-el hilang atau rusak").is_checked()
    page.get_by_label("Ceritakan keadaan Anda").fill("KTP hilang waktu pulang dari Malaysia.")
    page.set_input_files("input[type=file]", files=[{"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    page.get_by_label("Saya setuju").check()
    _no_sideways_scroll(page)
    screenshot(page, "adminduk-2-request")
    page.get_by_role("button", name="Kirim permintaan").click()
    assert "Permintaan Anda sudah terkirim" in page.content()
    assert page.locator("#request-status").inner_text() == "Terkirim"
    request_url = page.url

    desk = phone_page_nojs
    _login(desk, live_server, registrar)
    desk.goto(f"{live_server}{PREFIX}/desk")
    _no_sideways_scroll(desk)
    screenshot(desk, "adminduk-3-queue")
    desk.locator(".list__row a").first.click()
    desk.get_by_label("Status baru").select_option("in_review")
    desk.get_by_role("button", name="Ubah status").click()
    desk.get_by_label("Status baru").select_option("needs_info")
    desk.get_by_label("Keterangan untuk anggota").fill("Mohon kirim foto KK yang terbaru.")
    desk.get_by_role("button", name="Ubah status").click()
    assert "Status diperbarui" in desk.content()
    screenshot(desk, "adminduk-4-desk")

    page.goto(request_url)
    assert page.locator("#request-status").inner_text() == "Perlu dilengkapi"
    assert "Mohon kirim foto KK yang terbaru." in page.content()
    page.get_by_label("Pesan").fill("Ini foto KK saya.")
    page.set_input_files("input[type=file]", files=[{"name": "kk.jpg", "mimeType": "image/jpeg", "buffer": photo(color=(10, 10, 200))}])
    page.get_by_role("button", name="Kirim", exact=True).click()
    assert page.locator("#request-status").inner_text() == "Sedang diperiksa"
    assert "Ini foto KK saya." in page.content()
    _no_sideways_scroll(page)
    screenshot(page, "adminduk-5-answered")
    page.goto(f"{live_server}/inbox")
    assert "perlu dilengkapi" in page.content()
