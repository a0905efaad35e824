"""On a 360 px phone (JavaScript on, and off): a visitor reports a calo anonymously
with a screenshot and an approximate date, a Satgas officer verifies and refers
it, and the visitor sees the new status with the code and secret; a visitor who
asks for a message gets it and opens its neutral link."""
from __future__ import annotations

import pytest

from tests.browser_fixtures import _new_page
from tests.factories import PASSWORD
from tests.uploads.conftest import jpeg_bytes

pytestmark = pytest.mark.browser


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def _report_and_follow(live_server, browser, page, officer, screenshot, name: str) -> None:
    page.goto(f"{live_server}/forum/lapor/")
    page.get_by_role("link", name="Buat laporan").click()
    _fits_the_phone(page)
    page.get_by_label("Calo menawarkan kerja ke luar negeri di luar prosedur resmi").check()
    page.get_by_label("Ceritakan singkat").fill(
        "Seorang calo datang ke desa menawarkan kerja di kebun sawit Malaysia tanpa paspor.")
    page.get_by_label("Di kabupaten/kota mana?").select_option("tts")
    page.get_by_label("Tanggal kejadian (jika tahu)").fill("2026-11-20")
    page.get_by_label("Kira-kira, sekitar tanggal itu").check()
    page.get_by_label("Nomor HP yang dipakai (satu per baris)").fill("0812-3801-7744")
    page.get_by_label("Foto atau tangkapan layar (chat, iklan; paling banyak 3)").set_input_files(
        files=[{"name": "chat.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(120, 200))}])
    page.get_by_label("Kirim tanpa nama dan tanpa kontak (anonim)").check()
    page.get_by_role("button", name="Kirim laporan").click()
    code = page.locator("#report-code").inner_text().strip()
    secret = page.locator("#report-secret").inner_text().strip()
    assert code.startswith("LPR-") and len(secret) == 19
    _fits_the_phone(page)
    screenshot(page, f"reports-{name}-done")

    desk_context, desk = _new_page(browser, javascript=False)
    try:
        desk.goto(f"{live_server}/login")
        desk.get_by_label("Nomor HP atau email").fill(officer.phone)
        desk.get_by_label("Kata sandi").fill(PASSWORD)
        desk.get_by_role("button", name="Masuk").click()
        desk.goto(f"{live_server}/forum/lapor/desk")
        _fits_the_phone(desk)
        desk.get_by_role("link", name=code).click()
        assert "Gambar 1" in desk.content() and "Anonim" in desk.content()
        assert desk.locator("#happened-on").inner_text() == "sekitar 20 Nov 2026"
        desk.get_by_role("button", name="Mulai periksa").click()
        desk.get_by_label("Diteruskan ke").select_option("polri")
        desk.get_by_label("Catatan rujukan (kepada siapa, nomor surat)").fill("Polres TTS, unit PPA")
        desk.get_by_role("button", name="Teruskan").click()
        assert desk.locator("#report-status").inner_text() == "diteruskan"
        _fits_the_phone(desk)
        screenshot(desk, f"reports-{name}-desk")
    finally:
        desk_context.close()

    page.goto(f"{live_server}/forum/lapor/status")
    page.get_by_label("Kode laporan").fill(code)
    page.get_by_label("Kode rahasia").fill(secret)
    page.get_by_role("button", name="Lihat status").click()
    assert page.locator("#report-status").inner_text() == "diteruskan"
    assert "PPA" not in page.content()
    _fits_the_phone(page)
    screenshot(page, f"reports-{name}-status")


def test_a_visitor_reports_a_calo_and_follows_it(live_server, browser, phone_page, make_user, screenshot):
    officer = make_user(roles=("member", "satgas"), name="Melkianus Kana")
    _report_and_follow(live_server, browser, phone_page, officer, screenshot, "js")


def test_the_same_without_javascript(live_server, browser, phone_page_nojs, make_user, screenshot):
    officer = make_user(roles=("member", "satgas"), name="Melkianus Kana")
    _report_and_follow(live_server, browser, phone_page_nojs, officer, screenshot, "nojs")


def _report_with_a_message(live_server, browser, page, officer, screenshot, name: str) -> None:
    """A visitor leaves a phone number and asks for a message (seeing its exact
    words first); an officer verifies; the message leaves; its link opens a page
    that does not say what the code is for, where code and secret show the status."""
    from datetime import timedelta

    from flask import current_app

    from notifications.channels import OVERRIDE_KEY
    from notifications.jobs import dispatch_due
    from tests.notifications.conftest import NOON
    from tests.notifications.doubles import RecordingChannel

    whatsapp = RecordingChannel("whatsapp")
    app = current_app._get_current_object()
    app.extensions[OVERRIDE_KEY] = {"whatsapp": whatsapp, "sms": RecordingChannel("sms")}
    try:
        page.goto(f"{live_server}/forum/lapor/baru")
        page.get_by_label("Lowongan kerja palsu atau mencurigakan").check()
        page.get_by_label("Ceritakan singkat").fill("Iklan lowongan pabrik di Taiwan minta uang pendaftaran Rp3 juta.")
        page.get_by_label("Di kabupaten/kota mana?").select_option("kota-kupang")
        page.get_by_label("Nomor HP Anda").fill("0813 3880 0777")
        preview = page.locator("#contact-preview").inner_text().strip()
        assert preview.startswith("Rumah Purna: ada kabar baru untuk kode Anda.") and "laporan" not in preview
        page.get_by_label("Kirimi saya pesan WhatsApp atau SMS bila ada kabar baru").check()
        _fits_the_phone(page)
        page.get_by_role("button", name="Kirim laporan").click()
        code = page.locator("#report-code").inner_text().strip()
        secret = page.locator("#report-secret").inner_text().strip()
        assert page.locator("#contact-preview").inner_text().strip() == preview
        screenshot(page, f"reports-{name}-message-done")

        desk_context, desk = _new_page(browser, javascript=False)
        try:
            desk.goto(f"{live_server}/login")
            desk.get_by_label("Nomor HP atau email").fill(officer.phone)
            desk.get_by_label("Kata sandi").fill(PASSWORD)
            desk.get_by_role("button", name="Masuk").click()
            desk.goto(f"{live_server}/forum/lapor/desk")
            desk.get_by_role("link", name=code).click()
            desk.get_by_role("button", name="Mulai periksa").click()
            assert "sedang dikirim ke HP pelapor" in desk.content()
            with app.app_context():
                dispatch_due(now=NOON + timedelta(days=1))
            desk.reload()
            assert "sudah terkirim ke HP pelapor" in desk.content()
            _fits_the_phone(desk)
        finally:
            desk_context.close()

        [message] = whatsapp.sent
        assert message.to == "+6281338800777" and message.text == preview and code not in message.text
        link = message.text.rsplit(" ", 1)[1].replace("https://rumahpurna.test", live_server)
        page.goto(link)
        assert "laporan" not in page.locator("main").inner_text().lower()
        page.get_by_label("Kode", exact=True).fill(code)
        page.get_by_label("Kode rahasia").fill(secret)
        page.get_by_role("button", name="Buka").click()
        assert page.locator("#report-status").inner_text() == "sedang diperiksa"
        _fits_the_phone(page)
        screenshot(page, f"reports-{name}-message-status")
    finally:
        app.extensions.pop(OVERRIDE_KEY, None)


def test_a_visitor_asks_for_a_message_and_opens_its_link(live_server, browser, phone_page, make_user, screenshot):
    officer = make_user(roles=("member", "satgas"), name="Melkianus Kana")
    _report_with_a_message(live_server, browser, phone_page, officer, screenshot, "js")


def test_the_message_journey_without_javascript(live_server, browser, phone_page_nojs, make_user, screenshot):
    officer = make_user(roles=("member", "satgas"), name="Melkianus Kana")
    _report_with_a_message(live_server, browser, phone_page_nojs, officer, screenshot, "nojs")
