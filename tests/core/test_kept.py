"""The one bounded LRU store (core/kept.py) that every per-process cache uses."""
from __future__ import annotations

from core import kept as kept_module
from core.kept import LRU


def _keys(store: LRU) -> list:
    return [key for key, _value in store.items()]


def test_the_bound_holds_and_the_oldest_goes_first():
    store = LRU(3)
    for n in range(5):
        store.put(n, f"v{n}")
    assert len(store) == 3
    assert _keys(store) == [2, 3, 4]
    assert store.get(0) is None and store.get(1) is None
    assert store.get(2) == "v2"


def test_a_read_protects_from_eviction_a_peek_does_not():
    store = LRU(3)
    for n in range(3):
        store.put(n, f"v{n}")
    assert store.get(0) == "v0"  # now the most recent
    assert store.peek(1) == "v1"  # read, but left the oldest
    store.put(3, "v3")
    assert _keys(store) == [2, 0, 3]
    store.touch(2)
    store.put(4, "v4")
    assert _keys(store) == [3, 2, 4]


def test_storing_again_replaces_and_makes_it_the_most_recent():
    store = LRU(2)
    store.put("a", 1)
    store.put("b", 2)
    store.put("a", 3)
    store.put("c", 4)
    assert store.items() == [("a", 3), ("c", 4)]


def test_pop_clear_and_a_lowered_bound():
    store = LRU(4)
    for n in range(4):
        store.put(n, n + 1)
    store.pop(1)
    store.pop("never kept")
    assert _keys(store) == [0, 2, 3]
    store.bound = 2
    store.put(4, 5)  # the next store trims down to the new bound
    assert _keys(store) == [3, 4]
    store.clear()
    assert len(store) == 0 and store.get(3) is None and store.items() == []


def test_kept_draws_once_per_key_within_its_bound(monkeypatch):
    monkeypatch.setattr(kept_module, "_entries", LRU(2))
    drawn = []

    def draw(name):
        return lambda: drawn.append(name) or f"<{name}>"

    assert kept_module.kept(("a",), draw("a")) == "<a>"
    assert kept_module.kept(("a",), draw("a again")) == "<a>"
    kept_module.kept(("b",), draw("b"))
    kept_module.kept(("a",), draw("a third"))  # a hit: "b" is now the oldest
    kept_module.kept(("c",), draw("c"))
    assert kept_module.entries() == {("a",): "<a>", ("c",): "<c>"}
    kept_module.clear()
    assert kept_module.entries() == {}
    assert drawn == ["a", "b", "c"]
