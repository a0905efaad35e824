"""Rendered parts of the public market pages, kept for every reader.

Everyone sees the same market home, search results, business and product pages
and stall maps of market days, so the rendered parts (title, head tags, body)
are kept in each process, per kind of page and a canonical key the view builds
from only what the page shows (the language, the business's id, the normalised
search filters and page; never the raw query string). Each kind has its own
bound (``LIMITS``), so a flood of distinct searches only pushes out other
searches, never the market home or a business page; and views leave out what is
not worth keeping (``not_kept``: long searches, pages past the last).

Versions live in ``market_cache_state`` rows, each raised inside the transaction
of the change (a session hook below, and ``bump()`` for guarded updates):

- row 1, the lists: raised by every change; the home, searches, product pages,
  stall maps and the staff queue are kept under it;
- row -<business id>: raised by a change to that business, its products, photos
  or members; its business page is kept under it and row 2;
- row 2, everything: raised by changes not tied to one business (markets, days,
  stalls, holdings: the business pages show the next stall).

A kept part is used only while its versions are the current ones and it is
younger than ``MARKET_CACHE_SECONDS`` (the "next stall" sentence changes with the
calendar). So every worker and host sees a change at its next request, at the
cost of one primary-key query.

Logged-in members get the same kept parts: the parts are drawn as for an
anonymous visitor (``public_views.render_parts`` hands the templates an anonymous
``current_user``), and the layout around them (the member's menu, bell, CSRF
token) is drawn per request. The one per-member bit inside the parts, the buyer's
name in the WhatsApp order, is a placeholder in a separate variant filled per
request (``marketplace/buyer.py``), so no member's data is ever kept.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from functools import cache

from flask import current_app, request
from sqlalchemy import bindparam, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.db import plain_rows
from core.extensions import db
from core.i18n import current_language
from core.kept import LRU
from marketplace.models import Business, MarketCacheState

LISTS_ROW = 1
EVERYTHING_ROW = 2
# How many renderings each kind of page may keep in a process (both languages,
# with and without the buyer's placeholders): about the 1,000 of one shared bound
# before, the business and product pages with most of it.
LIMITS = {"home": 8, "search": 150, "business": 400, "product": 400, "map": 50, "staff": 20}


def _empty_stores() -> dict[str, LRU]:
    """One store per kind: key -> (versions, monotonic time, parts)."""
    return {kind: LRU(limit) for kind, limit in LIMITS.items()}


_stores = _empty_stores()


class _NotKept:
    __slots__ = ("parts",)

    def __init__(self, parts):
        self.parts = parts


def not_kept(parts) -> _NotKept:
    """What a ``render`` returns for parts to show this once but not keep."""
    return _NotKept(parts)


def _raise_row(session: Session, row_id: int) -> None:
    """version + 1 of one row, made at 1 when missing (a business's first change;
    the migration makes row 1, an emptied test database lacks it)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = MarketCacheState.__table__
    session.execute(
        dialect.insert(table).values(id=row_id, version=1)
        .on_conflict_do_update(index_elements=[table.c.id], set_={"version": table.c.version + 1})
    )


def bump(session: Session | None = None, business_ids: tuple[int, ...] | None = None) -> None:
    """Invalidate the kept pages a change shows on (inside the caller's
    transaction): the lists always, and the pages of ``business_ids`` only, or
    every page when the change is not tied to businesses (``None``). Row 1 is
    always taken first, so two market writes queue on it, never deadlock."""
    session = session or db.session
    _raise_row(session, LISTS_ROW)
    rows = [EVERYTHING_ROW] if business_ids is None else sorted({-b for b in business_ids})
    for row_id in rows:
        _raise_row(session, row_id)


@cache
def _statements():
    """The two version reads, built once (on first use: the model is mapped by then)."""
    return (
        select(MarketCacheState.id, MarketCacheState.version)
        .where(MarketCacheState.id.in_(bindparam("ids", expanding=True))),
        select(MarketCacheState.version).where(MarketCacheState.id == LISTS_ROW),
    )


def _versions(row_ids: tuple[int, ...]) -> tuple[int, ...]:
    """The versions of these rows (0 for a missing one), in one primary-key query
    (``core.db.plain_rows``: every market page asks it)."""
    found = dict(plain_rows(_statements()[0], {"ids": list(row_ids)}).tuples().all())
    return tuple(found.get(row_id, 0) for row_id in row_ids)


def current_version() -> int:
    return plain_rows(_statements()[1]).scalar() or 0


def clear() -> None:
    """Forget every kept part in this process (tests, around each one). New stores,
    not emptied ones: a request still being drawn by the live server for the last
    test keeps its page in the old store, never where the next test looks."""
    global _stores
    _stores = _empty_stores()


def kept() -> Iterator[tuple[str, tuple, object]]:
    """``(kind, key, parts)`` of every kept part (tests)."""
    for kind, store in _stores.items():
        for key, (_version, _at, parts) in store.items():
            yield kind, key, parts


def cached(render: Callable[[], object], kind: str, key: tuple = (), variant: str = "",
           business_id: int | None = None) -> object:
    """``render()``'s result for this page, kept for every reader.

    ``kind`` names the store (``LIMITS``) and ``key`` what tells this page from
    the others of its kind: everything ``render`` reads from the request must be
    in it. ``render`` returns the parts to keep, ``not_kept(parts)``, or ``None``
    for "not found" (never kept); it must not read the reader (``render_parts``
    draws them as for an anonymous visitor). ``variant`` keeps a second rendering
    of the same page (the one with the buyer's placeholder). ``business_id``: a
    business's own page, kept under that business's version instead of the lists'.
    """
    if request.method != "GET":
        value = render()
        return value.parts if isinstance(value, _NotKept) else value
    store = _stores[kind]
    full_key = (current_language(), *key, variant)
    version = _versions((EVERYTHING_ROW, -business_id)) if business_id is not None else current_version()
    now = time.monotonic()
    hit = store.peek(full_key)
    if hit is not None and hit[0] == version and now - hit[1] < current_app.config["MARKET_CACHE_SECONDS"]:
        store.touch(full_key)  # the most read stay; a stale one keeps its place
        return hit[2]
    value = render()
    if isinstance(value, _NotKept) or value is None:
        store.pop(full_key)
        return value.parts if isinstance(value, _NotKept) else value
    store.put(full_key, (version, now, value))
    return value


_WATCHED: tuple[type, ...] = ()


def _watched() -> tuple[type, ...]:
    global _WATCHED
    if not _WATCHED:
        from marketplace.models import BusinessMember, MarketPhoto, Product
        from marketplace.stalls.models import Market, MarketDay, Stall

        # Stall holdings change through a guarded update, which bumps itself
        # (marketplace/stalls/_common.py); the map's other inputs are these.
        _WATCHED = (Business, BusinessMember, MarketPhoto, Product, Market, MarketDay, Stall)
    return _WATCHED


def _business_ids(instance) -> list[int] | None:
    """The businesses whose own pages a changed row shows on, or ``None`` when
    that is not known (a new business, a market, a day, a stall): then every page.
    A product, photo or membership moved between businesses names both."""
    if isinstance(instance, Business):
        return [instance.id] if instance.id is not None else None
    if not hasattr(type(instance), "business_id"):
        return None
    state = inspect(instance)
    ids = set(state.attrs.business_id.history.sum())
    if "business" in state.attrs:  # set through the relationship: the id comes at the flush
        ids.update(b.id for b in state.attrs.business.history.sum() if b is not None)
    if not ids:  # not loaded: read it
        ids = {instance.business_id}
    return None if None in ids else sorted(ids)


def _before_flush(session: Session, _context, _instances) -> None:
    watched = _watched()
    scoped: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, watched):
            ids = _business_ids(instance)
            if ids is None:
                bump(session)
                return
            scoped.update(ids)
    if scoped:
        bump(session, tuple(scoped))


def install() -> None:
    """Watch every session's flushes for market changes (called once by handlers.py)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
