"""The roles this gateway found at handshakes, so that a known user's next socket in a room costs
no RPC. An entry is dropped by every event that can change it (the same ones that close sockets
with 4403/4404: a room's ``event.changed`` or close, accounts' ``permissions_changed``), and
lives ``ROLE_CACHE_SECONDS`` at most besides. The role only names the user in presence: every
request is checked by the events service again (API.md §4)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

#: how long a role found at a handshake is trusted when no event has dropped it
ROLE_CACHE_SECONDS = 60.0
#: entries at most; a full cache is emptied
MAX_ROLES = 100_000


class RoleCache:
    """room → user id → role. A lookup that started before a drop is not stored: take
    :attr:`generation` before asking, and hand it to :meth:`put`."""

    def __init__(
        self, ttl: float = ROLE_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.rooms: dict[int, dict[Any, tuple[float, str]]] = {}
        self.size = 0
        self.generation = 0  #: drops so far

    def get(self, user_id: Any, room: int) -> str | None:
        entry = self.rooms.get(room, {}).get(user_id)
        if entry is None or entry[0] <= self.clock():
            return None
        return entry[1]

    def put(self, user_id: Any, room: int, role: str, generation: int) -> None:
        if generation != self.generation or user_id is None:
            return
        if self.size >= MAX_ROLES:
            self.rooms.clear()
            self.size = 0
        roles = self.rooms.setdefault(room, {})
        self.size += user_id not in roles
        roles[user_id] = (self.clock() + self.ttl, role)

    def drop_room(self, room: int) -> None:
        self.generation += 1
        self.size -= len(self.rooms.pop(room, {}))

    def drop_users(self, user_ids: Iterable[Any]) -> None:
        self.generation += 1
        users = set(user_ids)
        for roles in self.rooms.values():
            for user_id in users & roles.keys():
                del roles[user_id]
                self.size -= 1
