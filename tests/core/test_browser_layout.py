"""On a 360 px phone a long word (a hashtag copied from a job ad) wraps instead of
pushing the page and the bottom navigation off the screen (issue 8 item 22)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from community import demo, posting
from community.models import Category
from core.db import utcnow
from core.extensions import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

WORD = "#LowonganKerjaResmiTanpaBiayaHongKongTaiwanMalaysia" * 4  # 204 characters


def test_long_words_wrap_at_360_px(live_server, phone_page, make_user):
    demo.seed_defaults()
    category = Category(slug="usaha-umkm", name_id="Usaha & UMKM", name_en="Business",
                        description_id="Usaha.", description_en="Business.")
    db.session.add(category)
    db.session.commit()
    member = make_user(name="Yohana Tefa", created_at=utcnow() - timedelta(days=30))
    # A title holds at most 160 characters: the longest word it can hold, and the
    # whole 204-character word in the body.
    thread = posting.create_thread(member, category, WORD[:159], f"Hati-hati {WORD} ini calo.",
                                   anonymous=False).post.thread
    db.session.commit()

    page = phone_page
    page.goto(live_server + "/login")
    page.get_by_label("Nomor HP atau email").fill(member.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    for path in [f"/forum/t/{thread.id}", f"/forum/c/{category.slug}", "/forum/search?q=Lowongan",
                 "/forum/", "/layanan", "/"]:
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        nav = page.locator(".bottomnav")
        box = nav.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, path
    page.goto(f"{live_server}/forum/t/{thread.id}")
    assert WORD[:159] in page.content()  # the word is there, wrapped, not cut
    # All five navigation items fit, each at least 44 px wide for a thumb.
    widths = page.evaluate(
        "[...document.querySelectorAll('.bottomnav a')].map(a => a.getBoundingClientRect().width)")
    assert len(widths) == 5 and min(widths) >= 44
