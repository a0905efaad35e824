"""On a 360 px phone: a member posts anonymously in a safe room, a moderator
approves it, another member replies, and the first sees the reply in the inbox."""
from __future__ import annotations

import pytest

from tests.browser_fixtures import _new_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, base: str, user) -> None:
    page.goto(base + "/login")
    page.get_by_label("Nomor HP atau email").fill(user.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_anonymous_safe_room_journey(live_server, browser, phone_page, forum, member, screenshot):
    writer = member(name="Maria Nenobais")
    moderator = member(name="Ferdinandus Riwu", roles=("member", "moderator"))
    replier = member(name="Daniel Lay")

    page = phone_page
    _login(page, live_server, writer)
    page.goto(f"{live_server}/forum/")
    page.get_by_role("link", name="Kesehatan Mental").click()
    page.get_by_role("link", name="Tulis topik baru").click()
    _fits_the_phone(page)
    page.get_by_label("Judul").fill("Masih mimpi buruk setelah pulang")
    page.get_by_label("Isi").fill("Tiga tahun di Hong Kong, sekarang sulit tidur.")
    page.get_by_label("Kirim sebagai Anggota anonim").check()
    page.get_by_role("button", name="Kirim topik").click()
    assert "moderator akan memeriksanya dulu" in page.content()
    screenshot(page, "community-anonymous-pending")

    mod_context, mod_page = _new_page(browser, javascript=False)
    try:
        _login(mod_page, live_server, moderator)
        mod_page.goto(f"{live_server}/forum/moderation")
        _fits_the_phone(mod_page)
        assert "Maria" not in mod_page.content()
        mod_page.get_by_role("button", name="Setujui").click()
        assert "Tindakan moderasi sudah disimpan" in mod_page.content()
    finally:
        mod_context.close()

    other_context, other_page = _new_page(browser, javascript=False)
    try:
        _login(other_page, live_server, replier)
        other_page.goto(f"{live_server}/forum/c/kesehatan-mental")
        other_page.get_by_role("link", name="Masih mimpi buruk setelah pulang").click()
        content = other_page.content()
        assert "Anggota anonim #" in content and "Maria" not in content
        other_page.get_by_label("Balasan Anda").fill("Kakak tidak sendiri. Saya juga pernah begitu.")
        other_page.get_by_role("button", name="Kirim balasan").click()
        assert "Tulisan Anda sudah terkirim" in other_page.content()
        _fits_the_phone(other_page)
    finally:
        other_context.close()

    page.goto(f"{live_server}/inbox")
    assert "Balasan baru di topik ruang aman yang Anda ikuti" in page.content()
    _fits_the_phone(page)
    screenshot(page, "community-inbox-reply")
    page.get_by_role("link", name="Balasan baru di topik ruang aman").first.click()
    assert "Saya juga pernah begitu" in page.content()


LONG_WORD = "#LowonganKerjaMalaysiaTanpaBiayaBerangkatMingguDepanHubungiAgenResmiKami" * 3  # ~210 chars


def test_long_words_and_moderation_log_fit_a_phone(live_server, phone_page_nojs, forum, member, write,
                                                   screenshot):
    """Issue 8, items 22, 27 and 30 at 360 px without JavaScript: a thread whose title
    is one 200-character word leaves the thread, category, search and following pages
    no wider than the screen; the moderation log shows "Tentang" and "Alasan" on
    screen; the help-line card's links are blocks (bullet on their first line)."""
    assert len(LONG_WORD) >= 200
    author = member(name="Yohanes Tefa")
    thread = write.thread(author, forum.general, title=LONG_WORD[:160], body=f"Isi {LONG_WORD} isi")
    moderator = member(name="Ferdinandus Riwu", roles=("member", "moderator"))
    page = phone_page_nojs
    _login(page, live_server, moderator)
    page.goto(f"{live_server}/forum/t/{thread.id}")
    assert LONG_WORD[:60] in page.content()
    _fits_the_phone(page)
    screenshot(page, "community-long-title")
    page.get_by_role("button", name="Ikuti topik ini").click()
    for url in (f"/forum/c/{forum.general.slug}", "/forum/search?q=isi", "/forum/following"):
        page.goto(live_server + url)
        assert LONG_WORD[:60] in page.content(), url
        _fits_the_phone(page)
    page.goto(f"{live_server}/forum/t/{thread.id}")
    page.get_by_text("Alat moderator").click()
    page.get_by_role("button", name="Kunci topik").click()
    assert page.locator("details#alat-moderator[open]").count() == 1
    page.goto(f"{live_server}/forum/moderation/log")
    _fits_the_phone(page)
    for label in ("Tentang", "Alasan"):
        box = page.get_by_text(label, exact=True).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, (label, box)
    screenshot(page, "community-moderation-log")
    page.goto(f"{live_server}/counseling")
    links = page.locator(".hotlines__list a")
    if links.count():  # the counseling card (its own package) is on this page
        assert links.first.evaluate("a => getComputedStyle(a).display") == "block"
