"""Rendered parts of the public market pages, kept for every reader.

Everyone sees the same market home, search results, business and product pages
and stall maps of market days, so the rendered parts (title, head tags, body)
are kept per (language, path with query, variant) in each process. One small
row, ``market_cache_state``, holds a version number that every change to a
business, product, photo, member, market, market day, stall or stall holding
raises (a session hook below, and ``bump()`` for bulk and guarded updates); a kept
part is used only while its version is the current one and it is younger than
``MARKET_CACHE_SECONDS`` (the "next stall" sentence changes with the calendar). So
every worker and host sees a change at its next request, at the cost of one
primary-key query.

Logged-in members get the same kept parts: the parts are drawn as for an
anonymous visitor (``public_views.render_parts`` hands the templates an anonymous
``current_user``), and the layout around them (the member's menu, bell, CSRF
token) is drawn per request. The one per-member bit inside the parts, the buyer's
name in the WhatsApp order, is a placeholder in a separate variant filled per
request (``marketplace/buyer.py``), so no member's data is ever kept.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app, request
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from core.extensions import db
from core.i18n import current_language
from marketplace.models import MarketCacheState

MAX_ENTRIES = 1000


_entries: OrderedDict[tuple, tuple[int, float, object]] = OrderedDict()


def bump(session: Session | None = None) -> None:
    """Invalidate every kept page (inside the caller's transaction)."""
    session = session or db.session
    result = session.execute(
        update(MarketCacheState).where(MarketCacheState.id == 1)
        .values(version=MarketCacheState.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # the row is made by the migration; an emptied test database lacks it
        session.execute(insert(MarketCacheState).values(id=1, version=1))


def current_version() -> int:
    return db.session.scalar(select(MarketCacheState.version).where(MarketCacheState.id == 1)) or 0


def clear() -> None:
    """Forget every kept part in this process (tests)."""
    _entries.clear()


def cached(render: Callable[[], object], variant: str = "") -> object:
    """``render()``'s result for this page, kept for every reader.

    ``render`` returns the parts to keep (or ``None`` for "not found", never kept);
    it must not read the reader (``render_parts`` draws them as for an anonymous
    visitor). ``variant`` keeps a second rendering of the same path (the one with
    the buyer's placeholder).
    """
    if request.method != "GET":
        return render()
    key = (current_language(), request.full_path, variant)
    version = current_version()
    now = time.monotonic()
    hit = _entries.get(key)
    if hit is not None and hit[0] == version and now - hit[1] < current_app.config["MARKET_CACHE_SECONDS"]:
        return hit[2]
    value = render()
    if value is not None:
        _entries[key] = (version, now, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


_WATCHED: tuple[type, ...] = ()


def _watched() -> tuple[type, ...]:
    global _WATCHED
    if not _WATCHED:
        from marketplace.models import Business, BusinessMember, MarketPhoto, Product
        from marketplace.stalls.models import Market, MarketDay, Stall

        # Stall holdings change through a guarded update, which bumps itself
        # (marketplace/stalls/_common.py); the map's other inputs are these.
        _WATCHED = (Business, BusinessMember, MarketPhoto, Product, Market, MarketDay, Stall)
    return _WATCHED


def _before_flush(session: Session, _context, _instances) -> None:
    watched = _watched()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, watched):
            bump(session)
            return


def install() -> None:
    """Watch every session's flushes for market changes (called once by handlers.py)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
