"""The rows of a counselor's lists (dashboard, a day, waiting requests, a client's
history) drawn once per content and language and kept per process (issue 14).

A row shows its start, the client's label (the nickname of a pseudonymous
booking, otherwise the member's name), the status, "segera" and the mode, and
links to the appointment. The key is all of these plus the language, the format
of the time and the mount point: a new time, status, nickname shared or name
changed loads under another key at the next request, in every worker. Nothing
is invalidated, so nothing can be forgotten; old keys fall out of the LRU.

A kept row is only ever drawn for a list that the database returned it in: the
lists are the counselor's own appointments, so another counselor never reads a
row through this cache (its key holds the appointment id). The key and the
fragment hold only the label a counselor is shown: the real name of a member
who booked under a nickname is never in it (``dashboard.CLIENT_LABEL``).

The same pattern as ``community/fragments.py``: per process, not Redis.
"""
from __future__ import annotations

from flask import current_app, request
from markupsafe import Markup

from core.i18n import current_language
from core.kept import LRU

MAX_ENTRIES = 4000

_entries = LRU(MAX_ENTRIES)  # key -> Markup
_macros = None


def clear() -> None:
    """Forget every kept row in this process (tests)."""
    _entries.clear()


def entries() -> dict[tuple, Markup]:
    """A copy of what is kept (tests look for what must never be there)."""
    return dict(_entries.items())


def _parts():
    global _macros
    env = current_app.jinja_env
    if _macros is None or _macros[0] is not env:
        _macros = (env, env.get_template("mentoring/counseling/staff/_row_parts.html").module)
    return _macros[1]


def _drawn(kind: str, rows, fmt: str) -> Markup:
    language, root = current_language(), request.script_root
    parts: list[str] = []
    for row in rows:
        key = (kind, language, root, fmt, row.id, row.starts_at, row.status, row.urgent, row.mode,
               row.client_label)
        html = _entries.get(key)
        if html is None:
            html = getattr(_parts(), kind)(row, fmt)
            _entries.put(key, html)
        parts.append(html)
    return Markup("".join(parts))  # noqa: S704 (each part drawn by an autoescaping template)


def list_rows(rows, fmt: str = "clock") -> Markup:
    """The ``<li>`` rows of a list (``rows``: id, starts_at, status, urgent, mode,
    client_label — plain rows or appointments), the time written in ``fmt``."""
    return _drawn("list_row", rows, fmt)


def week_items(rows) -> Markup:
    """The items of one day in the dashboard's week strip."""
    return _drawn("week_item", rows, "clock")
