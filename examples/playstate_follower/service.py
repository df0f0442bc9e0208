"""An example service built beside Setlist: it follows playstate's domain events and asks the
events service (RPC) what each played item is, keeping every user's listening history; other
services ask it over RPC. See README.md beside this file and docs/rpc.md."""

from __future__ import annotations

import collections
from typing import Any

from nameko.events import event_handler
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc

#: entries kept per user, newest first
KEPT = 50


class History(DependencyProvider):
    """The process's listening history (in memory: this is an example; a real service would
    keep it in a database of its own): user GUID → newest entries first."""

    def setup(self) -> None:
        self.entries: dict[str, collections.deque[dict[str, Any]]] = collections.defaultdict(
            lambda: collections.deque(maxlen=KEPT)
        )

    def get_dependency(self, worker_ctx: Any) -> dict[str, collections.deque[dict[str, Any]]]:
        return self.entries


class PlaystateFollower:
    name = "playstate_follower"

    events = RpcProxy("events")
    history = History()

    def _record(self, what: str, payload: dict[str, Any]) -> None:
        track = self.events.get_track(payload["item_id"])  # the catalogue track, by its GUID
        self.history[payload["user_id"]].appendleft(
            {
                "what": what,
                "track": track["id"],
                "name": track["name"],
                "artist": track["artist"],
                "position_ticks": payload.get("position_ticks"),
                "device_id": payload.get("device_id"),
            }
        )

    @event_handler("playstate", "playback_started")
    def playback_started(self, payload: dict[str, Any]) -> None:
        self._record("started", payload)

    @event_handler("playstate", "playback_stopped")
    def playback_stopped(self, payload: dict[str, Any]) -> None:
        self._record("stopped", payload)

    @rpc
    def history_of(self, user_id: str) -> list[dict[str, Any]]:
        """The user's (32-hex GUID) listening history, newest first."""
        return list(self.history.get(user_id.replace("-", "").lower(), ()))
