"""The event room websocket (API.md §4): the handshake's checks, one request of an open socket,
and the room messages the realtime service broadcasts to every gateway."""

from __future__ import annotations

from typing import Any

from nameko.events import BROADCAST, event_handler
from werkzeug.wrappers import Request

from gateway.routes.base import RouteBase
from gateway.websocket import RoomConnection, Rooms, room_join, room_request
from services.common import room_messages
from services.common.errors import NotFound, PermissionDenied
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND


class RoomRoutes(RouteBase):
    """Mixin of the gateway service: the event room websocket."""

    rooms = Rooms()

    @room_join("/ws/event/<int:event_id>/")
    def join_room(self, request: Request, event_id: int) -> dict[str, Any]:
        """The caller, who must have a role in the room (checked again on every request)."""
        principal = self._caller(request)
        self.events.room_role(principal, event_id)
        return principal

    @room_request
    def room_request(
        self, principal: dict[str, Any], event_id: int, action: str, fields: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """One request; the events service checks the role. Returns the sender's frames."""
        if action == "sync":
            return room_messages.sync_messages(self.events.room_snapshot(principal, event_id))
        getattr(self.events, action)(principal, event_id, **fields)
        return []

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
        left close with 4403 (asking once per user and room)."""
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
