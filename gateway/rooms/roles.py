"""The roles this gateway found at handshakes, so that a known user's next socket in a room costs
no RPC. An entry is dropped by every event that can change it (the same ones that close sockets
with 4403/4404: a room's ``event.changed`` or close, accounts' ``permissions_changed``), and
lives ``ROLE_CACHE_SECONDS`` at most besides. The role only names the user in presence: every
request is checked by the events service again (API.md §4)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from services.common.expiring_cache import ExpiringCache

#: how long a role found at a handshake is trusted when no event has dropped it
ROLE_CACHE_SECONDS = 60.0
#: entries at most
MAX_ROLES = 100_000


class RoleCache:
    """(room, user id) → role, in an :class:`ExpiringCache`: a role asked for while a drop
    happened is not kept. A drop looks at every entry; drops come with a room's change of access
    or accounts' change of permissions, never with a playlist change."""

    def __init__(
        self, ttl: float = ROLE_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.roles = ExpiringCache[tuple[int, Any], str](ttl, MAX_ROLES, clock)

    def __len__(self) -> int:
        return len(self.roles)

    def load(self, user_id: Any, room: int, ask: Callable[[], str]) -> str:
        """The user's role in `room`, else `ask()`'s (kept unless there is no user to key it by)."""
        if user_id is None:
            return ask()
        return self.roles.load((room, user_id), ask)

    def drop_room(self, room: int) -> None:
        self.roles.drop_where(lambda key: key[0] == room)

    def drop_users(self, user_ids: Iterable[Any]) -> None:
        users = set(user_ids)
        self.roles.drop_where(lambda key: key[1] in users)
