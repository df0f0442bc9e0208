"""A bounded cache whose entries live a fixed time, and which the events that change them empty at
once: the gateway's principals (dropped on ``token_revoked``) and the events service's
permissions (dropped on ``permissions_changed``).

A value asked for while a drop happens is not stored (:meth:`ExpiringCache.load` compares the
cache's :attr:`~ExpiringCache.generation` before and after asking): without that, an answer read
just before a revocation would outlive it by a whole time to live.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ExpiringCache(Generic[K, V]):
    """key → (expiry, value), at most `max_entries`; a full cache is swept of expired entries
    first, and emptied if that is not enough."""

    def __init__(
        self, ttl: float, max_entries: int = 50_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self.generation = 0  #: drops so far
        self._entries: dict[K, tuple[float, V]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self.clock():
            self._entries.pop(key, None)
            return None
        return value

    def load(self, key: K, ask: Callable[[], V]) -> V:
        """The cached value, else `ask()`'s, stored unless something was dropped meanwhile.
        What `ask` raises is not cached."""
        value = self.get(key)
        if value is None:
            generation = self.generation
            value = ask()
            if generation == self.generation:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            now = self.clock()
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
        self._entries[key] = (self.clock() + self.ttl, value)

    def drop(self, keys: Iterable[K]) -> None:
        self.generation += 1
        for key in keys:
            self._entries.pop(key, None)

    def drop_where(self, doomed: Callable[[K], bool]) -> None:
        """Drop every entry whose key `doomed` says so."""
        self.drop([key for key in self._entries if doomed(key)])
