"""This gateway's side of room presence (API.md §4 "Presence and now playing"): which users have
a socket open in which room here, reported to the realtime service as it changes and in a
periodic heartbeat carrying the whole state (docs/realtime.md).

:class:`PresenceTracker` is plain state: a user's first socket in a room opening is a join, their
last closing a leave. Changes are queued and taken in batches (one ``presence_changes`` event per
batch, not one per socket), and :meth:`PresenceTracker.heartbeat` is the whole state.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any
from urllib.parse import parse_qs

Member = dict[str, Any]

PRESENCE = "presence"
NOW_PLAYING = "now_playing"
FEATURES = frozenset((PRESENCE, NOW_PLAYING))


def requested_features(query_string: str) -> frozenset[str]:
    """What a socket asked for with ``?with=presence,now_playing`` (either or both; repeated
    ``with`` parameters count too; unknown names are ignored)."""
    values = parse_qs(query_string).get("with", [])
    return frozenset(name.strip() for value in values for name in value.split(",")) & FEATURES


def member(principal: dict[str, Any], role: str) -> Member:
    """How realtime knows a present user: id and name for the room, GUID for playstate's events."""
    return {
        "user": principal["user_id"],
        "username": principal.get("username"),
        "role": role,
        "user_uuid": principal.get("user_uuid"),
    }


class PresenceTracker:
    def __init__(self, gateway: str | None = None) -> None:
        self.gateway = gateway or uuid.uuid4().hex
        self.sockets: dict[tuple[int, int], int] = {}
        self.members: dict[int, dict[int, Member]] = {}
        self.changes: list[dict[str, Any]] = []
        self.seq = 0  #: number of the newest change (realtime applies nothing older)
        #: held while a batch of changes is taken and sent, so that batches leave in their order
        self.reporting = threading.Lock()

    def opened(self, room: int, joined: Member) -> None:
        key = (room, joined["user"])
        self.sockets[key] = self.sockets.get(key, 0) + 1
        if self.sockets[key] == 1:
            self.members.setdefault(room, {})[joined["user"]] = joined
            self.seq += 1
            self.changes.append({"room": room, "joined": joined, "seq": self.seq})

    def closed(self, room: int, user: int) -> None:
        key = (room, user)
        if key not in self.sockets:
            return
        self.sockets[key] -= 1
        if self.sockets[key] == 0:
            del self.sockets[key]
            del self.members[room][user]
            if not self.members[room]:
                del self.members[room]
            self.seq += 1
            self.changes.append({"room": room, "left": user, "seq": self.seq})

    def take_changes(self) -> dict[str, Any] | None:
        """The ``presence_changes`` event of what changed since the last call (None: nothing)."""
        if not self.changes:
            return None
        changes, self.changes = self.changes, []
        return {"gateway": self.gateway, "changes": changes}

    def here(self, room: int) -> list[Member]:
        """The room's users on this gateway now."""
        return list(self.members.get(room, {}).values())

    def heartbeat(self) -> dict[str, Any]:
        """The ``presence_heartbeat`` event: every room's present users here, as of change
        ``seq``."""
        return {
            "gateway": self.gateway,
            "seq": self.seq,
            "rooms": {str(room): list(members.values()) for room, members in self.members.items()},
        }
