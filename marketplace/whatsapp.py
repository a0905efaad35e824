"""The "Pesan via WhatsApp" link: ``https://wa.me/<number>?text=<order>``.

Pure functions (no database, no request): the order text is composed in the
buyer's language by the caller and percent-encoded here as UTF-8, so accents,
"&", "#", emoji and newlines reach WhatsApp as typed.
"""
from __future__ import annotations

from urllib.parse import quote

from accounts.phones import normalise_phone


def wa_number(phone: str | None) -> str | None:
    """Digits for wa.me (``6281234567890``) from a number typed any common way."""
    e164 = normalise_phone(phone) if phone else None
    return e164[1:] if e164 else None


def wa_link(phone: str | None, text: str) -> str | None:
    """The wa.me link with ``text`` pre-filled, or ``None`` without a valid number."""
    number = wa_number(phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


def order_text(*, greeting: str, lines: list[str], buyer_line: str | None = None) -> str:
    """The order message: a greeting, one line per item, then who is ordering."""
    parts = [greeting, *lines]
    if buyer_line:
        parts.append(buyer_line)
    return "\n".join(parts)
