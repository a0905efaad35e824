"""Things kept per process in bounded LRU stores, and the drawn pieces of pages.

``LRU`` is the one store for whatever a process keeps between requests (drawn
pieces, filter forms, the market's pages, seat counts, free slots): at most its
bound, the least recently used dropped first.

The forum's post and thread fragments (``community/fragments.py``), the staff
queues' rows and the training list's rows are each drawn once per content and
kept here (``kept``): the key holds every value the drawing reads (and the
language), so a change to a row is a new key on the next request, in every
worker, and nothing has to be invalidated. Old keys fall out of the LRU. A key
and a piece never hold the viewer (their name, roles or marks): per-viewer bits
are drawn around them.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress


class LRU:
    """At most ``bound`` values by key; storing one more drops the least recently
    read or stored. A value of None reads as a miss.

    No lock: the app runs in sync gunicorn workers, one request at a time per
    process. Only the tests' live server (browser tests) has threads; there a key
    another thread dropped meanwhile is a miss, never an error."""

    __slots__ = ("bound", "_values")

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._values: OrderedDict = OrderedDict()

    def get(self, key):
        """The value kept for ``key``, now the most recent, or None."""
        values = self._values
        value = values.get(key)
        if value is not None:
            try:  # noqa: SIM105 (every kept read: not touch(), nor suppress()'s context manager)
                values.move_to_end(key)
            except KeyError:  # dropped by another thread meanwhile
                pass
        return value

    def peek(self, key):
        """The value kept for ``key``, or None, leaving its place alone (for a
        caller that first checks it is still good, then ``touch``-es it)."""
        return self._values.get(key)

    def touch(self, key) -> None:
        """Make ``key`` the most recent."""
        with suppress(KeyError):  # dropped by another thread meanwhile
            self._values.move_to_end(key)

    def put(self, key, value) -> None:
        """Keep ``value`` for ``key`` as the most recent, dropping the oldest beyond the bound."""
        values = self._values
        values[key] = value
        try:
            values.move_to_end(key)  # when it replaced an older value
            while len(values) > self.bound:
                values.popitem(last=False)
        except KeyError:  # another thread dropped it, or trimmed, meanwhile
            pass

    def pop(self, key) -> None:
        """Forget ``key`` (kept or not)."""
        self._values.pop(key, None)

    def clear(self) -> None:
        self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

    def items(self) -> list[tuple]:
        """A copy of the ``(key, value)`` pairs, the oldest first (tests)."""
        return list(self._values.items())


MAX_ENTRIES = 8000

_entries = LRU(MAX_ENTRIES)


def kept(key: tuple, draw: Callable[[], object]):
    """``draw()``, or what it gave for ``key`` before in this process. The key must
    hold everything the drawing reads (and the language): it is never invalidated."""
    value = _entries.get(key)
    if value is None:
        value = draw()
        _entries.put(key, value)
    return value


def clear() -> None:
    """Forget every kept piece in this process (tests)."""
    _entries.clear()


def entries() -> dict[tuple, object]:
    """A copy of what is kept (tests look for what must never be there)."""
    return dict(_entries.items())
