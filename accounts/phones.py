"""Indonesian phone numbers, parsed with ``phonenumbers`` and kept as E.164."""
from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str | None) -> str | None:
    """Return ``+62…`` for a valid number typed any common way, else ``None``.

    Accepts ``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…``, ``812…``.
    """
    if not raw:
        return None
    text = raw.strip()
    if len(text) > 40:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    # "62812…" without the plus is how many people copy numbers from WhatsApp.
    if not text.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """``+6281200000001`` → ``0812-0000-0001`` style national format for Indonesia."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
