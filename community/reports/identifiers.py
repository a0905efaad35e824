"""Recognising the same phone number, company or social handle however it is written.

Pure functions except ``digest`` (which needs the app's ``REPORTS_IDENTIFIER_KEY``).
``normalise_*`` return ``None`` for something that is not an identifier of that kind.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from flask import current_app

from accounts.phones import normalise_phone

MAX_PER_KIND = 10
MAX_LENGTH = 120

# Legal forms that do not tell two companies apart ("PT. Maju Jaya" = "Maju Jaya, PT").
_LEGAL_FORMS = {"pt", "cv", "ud", "tbk", "persero", "pjtki", "p3mi", "ltd", "sdn", "bhd", "co"}
_HANDLE_PREFIXES = re.compile(
    r"^(?:https?://)?(?:www\.|m\.)?"
    r"(?:facebook\.com/|fb\.com/|instagram\.com/|tiktok\.com/|twitter\.com/|x\.com/|t\.me/)?@?",
    re.IGNORECASE,
)


def normalise_phone_identifier(raw: str) -> str | None:
    """``0812-3456-7890``, ``+62 812 3456 7890`` and ``6281234567890`` are one number
    (E.164); an unparseable number still matches itself by its digits."""
    e164 = normalise_phone(raw)
    if e164:
        return e164
    digits = re.sub(r"\D", "", raw)
    return digits if len(digits) >= 6 else None


def normalise_company(raw: str) -> str | None:
    text = unicodedata.normalize("NFKC", raw).casefold()
    words = [w for w in re.split(r"[^\w]+", text) if w and w not in _LEGAL_FORMS]
    return " ".join(words) or None


def normalise_handle(raw: str) -> str | None:
    text = _HANDLE_PREFIXES.sub("", raw.strip()).split("?")[0].strip("/ ")
    text = unicodedata.normalize("NFKC", text).casefold()
    return text if re.fullmatch(r"[\w.\-]{2,60}", text) else None


NORMALISERS = {
    "phone": normalise_phone_identifier,
    "company": normalise_company,
    "handle": normalise_handle,
}


def split_lines(text: str | None) -> list[str]:
    """One identifier per line (commas and semicolons also separate)."""
    if not text:
        return []
    return [part.strip() for part in re.split(r"[\n;,]+", text) if part.strip()]


def parse(kind: str, text: str | None) -> tuple[list[tuple[str, str]], list[str]]:
    """``([(normalised, as written), ...], [unrecognised, ...])`` for one field,
    each identifier once."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for line in split_lines(text):
        value = NORMALISERS[kind](line[:MAX_LENGTH])
        if value is None:
            bad.append(line)
        else:
            found.setdefault(value, line[:MAX_LENGTH])
    return list(found.items()), bad


def digest(kind: str, normalised: str) -> str:
    """A keyed hash of the normalised identifier: equal inputs give equal digests,
    and the digest reveals nothing without the key (safe in a URL).

    Keyed with ``REPORTS_IDENTIFIER_KEY``, not ``SECRET_KEY``: rotating the session
    key must not break the links between older and newer reports. Changing this
    key is done with ``flask reports rehash`` (``rehash.rehash_identifiers``)."""
    secret = current_app.config.get("REPORTS_IDENTIFIER_KEY")
    if not secret:
        raise RuntimeError("REPORTS_IDENTIFIER_KEY is not set")
    key = hashlib.sha256(b"report-identifier:" + str(secret).encode())
    return hmac.new(key.digest(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def digest_of_written(kind: str, written: str) -> str | None:
    """The digest of an identifier as the reporter wrote it (``display``), or
    ``None`` when it no longer reads as one of its kind."""
    value = NORMALISERS[kind](written[:MAX_LENGTH]) if kind in NORMALISERS else None
    return digest(kind, value) if value is not None else None
