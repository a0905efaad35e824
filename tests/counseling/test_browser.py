"""On a 360 px phone: a member books a counselor in three taps, the counselor
confirms (without JavaScript), the member sees it in the inbox and downloads the ICS."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_member_books_counselor_confirms_member_sees_it(
    live_server, phone_page, phone_page_nojs, make_user, make_counselor, screenshot
):
    profile = make_counselor(name="Agustina Manafe")
    member = make_user(name="Maria Nenobais")

    page = phone_page
    _login(page, live_server, member)
    page.goto(f"{live_server}/counseling")
    _no_sideways_scroll(page)
    screenshot(page, "counseling-1-counselors")
    # Tap 1: the counselor (first free slot is shown in the list).
    page.get_by_role("link", name="Agustina Manafe").click()
    _no_sideways_scroll(page)
    screenshot(page, "counseling-2-slots")
    # Tap 2: a free slot.
    slot = page.locator("a.slot").first
    slot_time = slot.inner_text()
    slot.click()
    page.get_by_label("Telepon").check()
    page.get_by_label("Dalam satu kalimat").fill("Susah tidur sejak pulang dari Malaysia.")
    screenshot(page, "counseling-3-book")
    # Tap 3: book.
    page.get_by_role("button", name="Pesan sesi ini").click()
    assert "Permintaan Anda terkirim" in page.content()
    assert slot_time in page.content()
    _no_sideways_scroll(page)

    counselor = phone_page_nojs
    _login(counselor, live_server, profile.user)
    counselor.goto(f"{live_server}/counseling/staff")
    _no_sideways_scroll(counselor)
    screenshot(counselor, "counseling-4-dashboard")
    counselor.locator("a.list__row", has_text="Maria Nenobais").first.click()
    counselor.get_by_role("button", name="Konfirmasi").click()
    assert "Sesi sudah dikonfirmasi" in counselor.content()

    page.goto(f"{live_server}/inbox")
    assert "Sesi konseling dikonfirmasi" in page.content()
    screenshot(page, "counseling-5-inbox")
    page.get_by_role("link", name="Sesi konseling dikonfirmasi").first.click()
    assert "dikonfirmasi" in page.content()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tambah ke kalender").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    body = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in body and "Agustina Manafe" in body
    assert "Susah tidur" not in body
