"""Drawn pieces of pages kept per process, keyed on what they show.

The forum's post and thread fragments (``community/fragments.py``), the staff
queues' rows and the training list's rows are each drawn once per content and
kept here: the key holds every value the drawing reads (and the language), so a
change to a row is a new key on the next request, in every worker, and nothing
has to be invalidated. Old keys fall out of the LRU. A key and a piece never hold
the viewer (their name, roles or marks): per-viewer bits are drawn around them.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

MAX_ENTRIES = 8000

_entries: OrderedDict[tuple, object] = OrderedDict()


def kept(key: tuple, draw: Callable[[], object]):
    """``draw()``, or what it gave for ``key`` before in this process. The key must
    hold everything the drawing reads (and the language): it is never invalidated."""
    hit = _entries.get(key)
    if hit is not None:
        _entries.move_to_end(key)
        return hit
    value = draw()
    _entries[key] = value
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    return value


def clear() -> None:
    """Forget every kept piece in this process (tests)."""
    _entries.clear()


def entries() -> dict[tuple, object]:
    """A copy of what is kept (tests look for what must never be there)."""
    return dict(_entries)
