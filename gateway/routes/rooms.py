"""The event room websocket (API.md §4): the handshake's checks, one request of an open socket,
the room messages the realtime service broadcasts to every gateway, and this gateway's presence
reports to realtime (batched joins and leaves, and a heartbeat of its whole state)."""

from __future__ import annotations

from typing import Any

from nameko.events import BROADCAST, EventDispatcher, event_handler
from nameko.timer import timer
from werkzeug.wrappers import Request

from gateway.presence import NOW_PLAYING, PRESENCE
from gateway.rooms.connection import RoomConnection
from gateway.rooms.entrypoints import room_join, room_request
from gateway.rooms.hub import Rooms
from gateway.routes.base import RouteBase
from services.common import config, room_messages
from services.common.errors import NotFound, PermissionDenied
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND

#: how often the gateway sends realtime its whole presence state (docs/realtime.md)
HEARTBEAT_SECONDS = config.PRESENCE_HEARTBEAT_SECONDS.value()
#: joins and leaves are gathered for this long into one report
REPORT_SECONDS = 0.2


class RoomRoutes(RouteBase):
    """Mixin of the gateway service: the event room websocket."""

    rooms = Rooms()
    dispatch = EventDispatcher()

    @room_join("/ws/event/<int:event_id>/")
    def join_room(self, request: Request, event_id: int) -> tuple[dict[str, Any], str]:
        """The caller, who must have a role in the room (checked again on every request), and
        that role (for presence): found at a previous handshake, else asked of events."""
        principal = self._caller(request)
        role = self.rooms.roles.load(
            principal.get("user_id"), event_id, lambda: self.events.room_role(principal, event_id)
        )
        return principal, role

    @room_request
    def room_request(
        self,
        principal: dict[str, Any],
        event_id: int,
        action: str,
        fields: dict[str, Any],
        features: frozenset[str],
    ) -> list[dict[str, Any]]:
        """One request; the events service checks the role. Returns the sender's frames: for
        ``sync`` also presence and now playing when the socket asked for them."""
        if action == "sync":
            frames = room_messages.sync_messages(self.events.room_snapshot(principal, event_id))
            if features:
                self._report_presence()  # this socket's own join reaches realtime first
                presence = self.rooms.presence
                state = self.realtime.room_presence(
                    event_id, presence.gateway, presence.here(event_id)
                )
                frames += [
                    state[feature] for feature in (PRESENCE, NOW_PLAYING) if feature in features
                ]
            return frames
        getattr(self.events, action)(principal, event_id, **fields)
        return []

    @timer(interval=REPORT_SECONDS)
    def report_presence(self) -> None:
        """Users whose first socket in a room opened, or last closed, since the last report."""
        self._report_presence()

    def _report_presence(self) -> None:
        """Dispatch the changes since the last report, one report at a time (realtime ignores a
        change older than one it applied, so reports must not overtake each other). A ``sync``
        that asks for presence reports at once too: realtime then knows the asking socket's
        user before anyone who joins after the answer (docs/realtime.md)."""
        presence = self.rooms.presence
        with presence.reporting:
            changes = presence.take_changes()
            if changes is not None:
                self.dispatch("presence_changes", changes)

    @timer(interval=HEARTBEAT_SECONDS, eager=True)
    def presence_heartbeat(self) -> None:
        self.dispatch("presence_heartbeat", self.rooms.presence.heartbeat())

    @event_handler("realtime", "room_presence", handler_type=BROADCAST, reliable_delivery=False)
    def deliver_room_presence(self, message: dict[str, Any]) -> None:
        """``presence.changed`` / ``now_playing.changed`` to this gateway's sockets in the room
        that asked for them."""
        self.rooms.deliver_feature(message)

    @event_handler("realtime", "room_message", handler_type=BROADCAST, reliable_delivery=False)
    def deliver_room_message(self, message: dict[str, Any]) -> None:
        """Deliver to this gateway's sockets in the room; when the event just became private,
        close the sockets of those who no longer have a role (4403), asking once per user."""
        self.rooms.deliver(message)
        self._close_refused(self.rooms.turned_private(message))

    @event_handler("accounts", "token_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def close_revoked_sockets(self, payload: dict[str, Any]) -> None:
        """Sockets opened with a revoked token close with 4401."""
        self.rooms.close_tokens(payload["token_hashes"])

    @event_handler(
        "accounts", "permissions_changed", handler_type=BROADCAST, reliable_delivery=False
    )
    def recheck_room_sockets(self, payload: dict[str, Any]) -> None:
        """A team or its members changed: the sockets of the users concerned that have no role
        left close with 4403 (asking once per user and room); their roles known here are
        forgotten."""
        self.rooms.roles.drop_users(payload["user_ids"])
        self._close_refused(self.rooms.of_users(payload["user_ids"]))

    def _close_refused(self, connections: list[RoomConnection]) -> None:
        """Close each of `connections` whose user has no role (left) in its room."""
        refusals: dict[tuple[Any, int], int | None] = {}
        for connection in connections:
            key = (connection.user_id, connection.room)
            if key not in refusals:
                refusals[key] = self._refusal(connection.principal, connection.room)
            code = refusals[key]
            if code is not None:
                connection.close(code)

    def _refusal(self, principal: dict[str, Any], event_id: int) -> int | None:
        """The close code for a principal without a role in the room, None while it has one."""
        try:
            self.events.room_role(principal, event_id)
        except PermissionDenied:
            return ACCESS_DENIED
        except NotFound:
            return EVENT_NOT_FOUND
        return None
