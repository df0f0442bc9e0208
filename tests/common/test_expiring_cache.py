"""The cache of principals and permissions: expiry, bounds, drops, and asks that race a drop."""

import pytest

from services.common.expiring_cache import ExpiringCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_expires_after_its_time_to_live():
    clock = Clock()
    cache = ExpiringCache[str, int](ttl=5, clock=clock)
    cache.put("k", 1)
    clock.now = 4.9
    assert cache.get("k") == 1
    clock.now = 5.0
    assert cache.get("k") is None


def test_drop_forgets_the_keys_given():
    cache = ExpiringCache[str, int](ttl=5)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.drop(["a", "unknown"])
    assert cache.get("a") is None and cache.get("b") == 2


def test_drop_where_forgets_the_keys_chosen():
    cache = ExpiringCache[tuple[str, int], int](ttl=5)
    for key in [("x", 1), ("x", 2), ("y", 1)]:
        cache.put(key, 0)
    cache.drop_where(lambda key: key[0] == "x")
    assert len(cache) == 1 and cache.get(("y", 1)) == 0


def test_a_full_cache_sweeps_expired_entries_first():
    clock = Clock()
    cache = ExpiringCache[str, int](ttl=1, max_entries=2, clock=clock)
    cache.put("old", 1)
    clock.now = 0.5
    cache.put("young", 2)
    clock.now = 1.2
    cache.put("new", 3)
    assert cache.get("young") == 2 and cache.get("new") == 3
    assert len(cache) == 2  # "old" (expired at 1.0) made room


def test_load_asks_once_per_time_to_live():
    asked = []
    cache = ExpiringCache[str, int](ttl=60)
    for _ in range(3):
        assert cache.load("k", lambda: asked.append(1) or 7) == 7
    assert asked == [1]


def test_an_answer_that_raced_a_drop_is_used_once_but_not_kept():
    cache = ExpiringCache[str, int](ttl=60)

    def ask_while_revoked() -> int:
        cache.drop(["k"])  # the revocation arrives while the answer is on its way
        return 7

    assert cache.load("k", ask_while_revoked) == 7
    assert cache.get("k") is None


def test_what_ask_raises_is_not_cached():
    cache = ExpiringCache[str, int](ttl=60)

    def refuse() -> int:
        raise LookupError

    with pytest.raises(LookupError):
        cache.load("k", refuse)
    assert len(cache) == 0
