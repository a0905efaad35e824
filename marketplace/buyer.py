"""The one per-member bit of the kept market pages: the buyer's own name.

A logged-in member's WhatsApp order links on a business or product page end with
"Nama saya: <their name>", and the product page's order form starts with it.
Those parts are kept (``marketplace/cache.py``) drawn with placeholders instead of
a name, in their own variant, and each request puts the reader's name in, encoded
for where it stands: percent-encoded in the links (as ``wa_link`` does), HTML-escaped
in the form field. The placeholders are random per process (letters and digits,
unchanged by percent-encoding and HTML escaping), so no business's text can hold
one, and a kept part never holds anyone's name.
"""
from __future__ import annotations

import secrets
from urllib.parse import quote

from markupsafe import Markup, escape

_MARK = "rpbuyer" + secrets.token_hex(12)
LINK_MARK = _MARK + "l"  # in the order text of a wa.me link
FIELD_MARK = _MARK + "f"  # the value of the order form's name field


def variant(buyer: str | None) -> str:
    """The cache variant of a page for this buyer: with placeholders or without."""
    return "buyer" if buyer else ""


def marks(buyer: str | None) -> dict:
    """The template values that stand for the buyer in the kept parts."""
    if not buyer:
        return {"buyer": None, "buyer_field": None}
    return {"buyer": LINK_MARK, "buyer_field": FIELD_MARK}


def fill(parts: dict | None, buyer: str | None) -> dict | None:
    """The kept parts with this buyer's name in place of the placeholders."""
    if parts is None or not buyer:
        return parts
    body = str(parts["body"]).replace(LINK_MARK, quote(buyer, safe="")).replace(FIELD_MARK, str(escape(buyer)))
    return {**parts, "body": Markup(body)}  # noqa: S704 (rendered and escaped; the name escaped for its place)
