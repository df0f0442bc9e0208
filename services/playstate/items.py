"""Items are catalogue tracks of the events service; their runtimes are cached per process.

A progress report is the hot path: looking its item up must not cost an RPC each time, and must happen
before the write transaction opens. Tracks are immutable in the catalogue, so a cached entry can only
be stale by being deleted; entries expire after ``PLAYSTATE_ITEM_CACHE_SECONDS`` anyway. A missing
track is not cached (it may be created a moment later).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider

from services.common import config
from services.common.errors import NotFound
from services.playstate.rules import Item
from services.playstate.ticks import runtime_ticks


def item_from_track(track: dict[str, Any]) -> Item:
    return Item(
        id=track["uuid"],
        runtime_ticks=runtime_ticks(track["duration"]),
        resumable=bool(track["resumable"]),
        name=track["name"],
        artist=track["artist"],
        track=track["id"],
    )


class ItemCache:
    def __init__(
        self, ttl: float, clock: Callable[[], float] = time.monotonic, max_entries: int = 100_000
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Item]] = {}

    def get(self, item_id: str, fetch: Callable[[str], dict[str, Any]]) -> Item:
        """The item with this 32-hex id; NotFound when the catalogue has no such track."""
        entry = self._entries.get(item_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        try:
            item = item_from_track(fetch(item_id))
        except NotFound:
            raise NotFound("Item not found.") from None
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[item_id] = (self.clock() + self.ttl, item)
        return item


class ItemLookup:
    """Items of one worker, looked up through the cache and then `fetch` (events' get_track)."""

    def __init__(self, cache: ItemCache, fetch: Callable[[str], dict[str, Any]]) -> None:
        self.cache = cache
        self.fetch = fetch

    def __call__(self, item_id: str) -> Item:
        """The item with this 32-hex id; NotFound when the catalogue has no such track."""
        return self.cache.get(item_id, self.fetch)

    def if_known(self, item_id: str) -> Item | None:
        """The item, or None once its track left the catalogue."""
        try:
            return self(item_id)
        except NotFound:
            return None


class Items(DependencyProvider):
    """``items = Items()``: ``self.items(item_id) -> Item``, through the service's ``events`` proxy."""

    def setup(self) -> None:
        self.cache = ItemCache(config.PLAYSTATE_ITEM_CACHE_SECONDS.value())

    def get_dependency(self, worker_ctx: Any) -> ItemLookup:
        service = worker_ctx.service  # its ``events`` proxy may be injected after this provider
        return ItemLookup(self.cache, lambda item_id: service.events.get_track(item_id))
