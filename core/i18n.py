"""Language choice and WITA time formatting.

Bahasa Indonesia by default. The visible switch stores the choice in a cookie and,
for a logged-in member, on their account.

Pages call ``gettext`` and ``|wita`` many times per request, so both take a fast
path: the merged translations are looked up once per request (Flask-Babel keeps
them per locale; only the per-call lookup of locale and domain is skipped) and a
formatted time is remembered for its exact (moment, pattern, locale, zone).
"""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Domain, get_locale, get_timezone, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANG_COOKIE = "rp_lang"
WITA = ZoneInfo("Asia/Makassar")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # a job or a command: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _babel_state() -> dict | None:
    """Flask-Babel's per-context namespace (``g._flask_babel``) as a dict, or None."""
    try:
        state = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # no app context
        return None
    return None if state is None else state.__dict__


class RequestCachedDomain(Domain):
    """Flask-Babel's domain, remembering the translations for the rest of the
    request. The entry is tied to the locale object and the domain, so
    ``force_locale`` and ``refresh`` (which replace or drop the locale) miss it."""

    def get_translations(self):
        state = _babel_state()
        if state is not None:
            cached = state.get("rp_translations")
            if cached and cached[0] is self and cached[1] is state.get("babel_locale"):
                return cached[2]
        translations = super().get_translations()
        state = _babel_state()
        if state is not None and state.get("babel_locale") is not None:
            state["rp_translations"] = (self, state["babel_locale"], translations)
        return translations


def current_translations():
    """The translations for this request, without Flask-Babel's per-call lookups."""
    state = _babel_state()
    if state is not None:
        cached = state.get("rp_translations")
        if (cached and cached[0] is state.get("babel_domain")
                and cached[1] is state.get("babel_locale")):
            return cached[2]
    return get_translations()


def _template_gettext_callables() -> dict:
    """Jinja's "newstyle" gettext callables (``_``, ``gettext``, ``ngettext``,
    ``pgettext``, ``npgettext``), same results, reading the per-request translations.

    Jinja's own take the whole template context, and a call with the context inside a
    ``{% for %}`` loop (or after a ``{% set %}`` in a block) copies that context on
    every call; these take only the evaluation context (for autoescaping), so a
    ``_()`` per row costs a lookup instead of a copy. ``_`` is ``gettext`` itself
    (Jinja's alias looks ``gettext`` up in the context; no template passes one)."""

    def _finish(eval_ctx, rv, variables):
        if eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 (msgids and translations are ours, as in Jinja)
        # Always a format string, as in Jinja: "%%" is "%" even without variables.
        return rv % variables

    # A label without variables draws the same for every request in one language:
    # (translations, msgid, autoescape) -> the drawn label, bounded by the templates'
    # msgids (a few thousand); cleared rather than grown should that ever be passed.
    plain: dict[tuple, str] = {}

    @pass_eval_context
    def gettext(eval_ctx, __string, **variables):
        translations = current_translations()
        if variables:
            return _finish(eval_ctx, translations.ugettext(__string), variables)
        key = (translations, __string, eval_ctx.autoescape)
        drawn = plain.get(key)
        if drawn is None:
            drawn = _finish(eval_ctx, translations.ugettext(__string), variables)
            if len(plain) >= 20000:
                plain.clear()
            plain[key] = drawn
        return drawn

    @pass_eval_context
    def ngettext(eval_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        rv = current_translations().ungettext(__singular, __plural, __num)
        return _finish(eval_ctx, rv, variables)

    @pass_eval_context
    def pgettext(eval_ctx, __string_ctx, __string, **variables):
        variables.setdefault("context", __string_ctx)
        rv = current_translations().upgettext(__string_ctx, __string)
        return _finish(eval_ctx, rv, variables)

    @pass_eval_context
    def npgettext(eval_ctx, __string_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("context", __string_ctx)
        variables.setdefault("num", __num)
        rv = current_translations().unpgettext(__string_ctx, __singular, __plural, __num)
        return _finish(eval_ctx, rv, variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext,
            "pgettext": pgettext, "npgettext": npgettext}


def install_fast_gettext(app: Flask, babel) -> None:
    """Use ``RequestCachedDomain`` and replace the gettext callables Flask-Babel gave
    the templates with the faster ones above (Flask-Babel's ``init_app`` has already
    turned on Jinja's i18n extension in newstyle mode)."""
    with app.app_context():
        babel.domain_instance = RequestCachedDomain(domain=babel.domain)
    app.jinja_env.globals.update(_template_gettext_callables())


def current_language() -> str:
    """``str(get_locale() or "id")`` ("id" or "en"), remembered for the request."""
    state = _babel_state()
    if state is not None:
        cached = state.get("rp_language")
        if cached and cached[0] is state.get("babel_locale"):
            return cached[1]
    language = str(get_locale() or "id")
    state = _babel_state()
    if state is not None and state.get("babel_locale") is not None:
        state["rp_language"] = (state["babel_locale"], language)
    return language


def to_wita(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(WITA)


@lru_cache(maxsize=8192)
def _format_datetime(value, fmt: str, locale, tzinfo) -> str:
    if not isinstance(value, datetime):  # a calendar day (``date``): no zone to convert
        return dates.format_date(value, fmt, locale=locale)
    return dates.format_datetime(value, fmt, tzinfo=tzinfo, locale=locale)


def wita(value: datetime | None, fmt: str = "medium") -> str:
    """Format a UTC datetime in Asia/Makassar for templates: ``{{ x|wita }}``.

    Same result as ``flask_babel.format_datetime(value, fmt)`` (the app sets no
    custom Babel date formats); the text for each (moment, pattern, locale, zone)
    is computed once per process.
    """
    if value is None:
        return ""
    state = _babel_state() or {}
    locale = state.get("babel_locale") or get_locale()
    tzinfo = state.get("babel_tzinfo") or get_timezone()
    return _format_datetime(value, fmt, locale, tzinfo)


# The one way dates and times are written (issue 8 item 26): pages, inbox texts and
# message parameters all go through ``format_wita``. Never seconds.
WITA_STYLES = {
    "date": "EEEE, d MMMM yyyy",      # Rabu, 2 Desember 2026
    "day": "EEEE, d MMMM",            # Rabu, 2 Desember
    "short": "d MMM yyyy",            # 2 Des 2026
    "short_day": "EEE d MMM",         # Rab 2 Des
    "day_month": "d MMM",             # 2 Des (chart labels, "sejak 2 Des")
    "month": "MMMM yyyy",             # Desember 2026
    "short_month": "MMM yyyy",        # Des 2026
}
TIME_PATTERN = {"id": "HH.mm", "en": "HH:mm"}
# Which date style each combined style uses, before its time.
COMBINED_STYLES = {"datetime": "date", "day_time": "day", "short_datetime": "short",
                   "short_day_time": "short_day"}
# Babel's named styles, as older templates still pass them to ``|wita``.
LEGACY_STYLES = {"short": "short_datetime", "medium": "short_datetime", "long": "datetime",
                 "full": "datetime"}


def format_wita(value: datetime | date | None, style: str = "short_datetime",
                locale: str | None = None) -> str:
    """A UTC datetime written in WITA in the reader's language.

    Styles: ``date`` "Rabu, 2 Desember 2026", ``day`` "Rabu, 2 Desember", ``short``
    "2 Des 2026", ``short_day`` "Rab 2 Des", ``day_month`` "2 Des", ``month``
    "Desember 2026", ``short_month`` "Des 2026", ``time`` "13.00 WITA", ``clock``
    "13.00" (the time alone, for a slot button or the start of a range "13.00–14.00
    WITA"), and the date styles with the time: ``datetime`` "Rabu, 2 Desember 2026,
    13.00 WITA", ``day_time``, ``short_datetime`` "2 Des 2026, 13.00 WITA",
    ``short_day_time``. A ``date`` (a calendar day, no time) takes the date styles.
    ``locale`` defaults to the request's language ("id" outside a request, as in
    jobs composing a message: pass the recipient's ``user.locale`` there).
    """
    if value is None:
        return ""
    if locale is None:
        state = _babel_state() or {}
        language = state.get("babel_locale") or get_locale()
        locale = str(language) if language else "id"
    if not isinstance(value, datetime) and style in COMBINED_STYLES:
        style = COMBINED_STYLES[style]  # a calendar day has no time to add
    if style in WITA_STYLES:
        return _format_datetime(value, WITA_STYLES[style], locale, WITA)
    if not isinstance(value, datetime):
        raise ValueError(f"a calendar day has no time: style {style!r}")
    clock = _format_datetime(value, TIME_PATTERN.get(locale, "HH:mm"), locale, WITA)
    if style == "clock":
        return clock
    time_text = clock + " WITA"
    if style == "time":
        return time_text
    if style in COMBINED_STYLES:
        date_text = _format_datetime(value, WITA_STYLES[COMBINED_STYLES[style]], locale, WITA)
        return f"{date_text}, {time_text}"
    raise ValueError(f"unknown date style {style!r}")


def wita_filter(value: datetime | None, style: str = "short_datetime") -> str:
    """The ``|wita`` template filter: ``format_wita`` styles; Babel's ``short`` and
    ``medium`` mean ``short_datetime``; any other text is still taken as a Babel
    pattern (templates that have not moved to a style yet)."""
    style = LEGACY_STYLES.get(style, style)
    if style in WITA_STYLES or style in COMBINED_STYLES or style in ("time", "clock"):
        return format_wita(value, style)
    return wita(value, style)
