"""Language choice and WITA time formatting.

Bahasa Indonesia by default. The visible switch stores the choice in a cookie and,
for a logged-in member, on their account.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import format_datetime
from flask_login import current_user

LANG_COOKIE = "rp_lang"
WITA = ZoneInfo("Asia/Makassar")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def to_wita(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(WITA)


def wita(value: datetime | None, fmt: str = "medium") -> str:
    """Format a UTC datetime in Asia/Makassar for templates: ``{{ x|wita }}``."""
    if value is None:
        return ""
    return format_datetime(value, fmt)
