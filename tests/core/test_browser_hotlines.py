"""Issue 8 item 30 at 360 px: on a help-line card, each link's bullet sits beside
the link's first line, also when the link wraps. Measured on the pixels a member
sees (a list marker has no box of its own): the bullet's ink in the gutter left of
the link must lie within the link's first line box."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# The link's line boxes (one rect per line of its text) and the gutter left of it.
_GEOMETRY = """a => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const lines = [];
  for (const r of range.getClientRects()) {
    if (!lines.length || r.top >= lines[lines.length - 1].bottom - 1) lines.push({top: r.top, bottom: r.bottom});
  }
  const li = a.closest('li').getBoundingClientRect();
  return {lines, left: li.left, top: li.top + window.scrollY, bottom: li.bottom + window.scrollY,
          scroll: window.scrollY};
}"""


def _bullet_rows(page, geometry) -> list[int]:
    """Rows (page y, CSS px) of dark pixels in the gutter left of the item (from 20 to
    4 px before it: the link's own glyphs start at its edge)."""
    clip = {"x": max(geometry["left"] - 20, 0), "y": geometry["top"],
            "width": 16, "height": geometry["bottom"] - geometry["top"]}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip, full_page=True))).convert("L")
    scale = image.height / clip["height"]
    rows = {int(y / scale) for y in range(image.height) for x in range(image.width)
            if image.getpixel((x, y)) < 110}
    return sorted(geometry["top"] + y for y in rows)


def test_help_line_bullets_sit_on_the_first_line_of_wrapped_links(live_server, phone_page, make_user):
    member = make_user()
    page = phone_page
    page.goto(live_server + "/login")
    page.get_by_label("Nomor HP atau email").fill(member.phone)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(live_server + "/counseling")
    links = page.locator(".hotlines__list a")
    assert links.count() >= 3
    wrapped = 0
    for index in range(links.count()):
        link = links.nth(index)
        link.scroll_into_view_if_needed()
        geometry = link.evaluate(_GEOMETRY)
        first = geometry["lines"][0]
        wrapped += len(geometry["lines"]) > 1
        rows = _bullet_rows(page, geometry)
        assert rows, f"no bullet beside link {index}"
        top = first["top"] + geometry["scroll"]
        bottom = first["bottom"] + geometry["scroll"]
        assert top - 1 <= rows[0] and rows[-1] <= bottom + 1, (index, rows, first, geometry["lines"])
    assert wrapped, "no help-line link wraps at 360 px: the test would prove nothing"
