"""The gateway process's open sockets by room (a nameko shared extension): delivering room
messages in revision order, each framed once for the whole room; closing sockets that lose
access; the per-user socket count; presence; the roles found at handshakes; the keepalive; and
closing every socket with 1001 on stop."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider, Entrypoint, ProviderCollector, SharedExtension
from nameko.standalone.events import event_dispatcher
from websockets.frames import CloseCode

from gateway.presence import PresenceTracker, member
from gateway.rooms import protocol
from gateway.rooms.connection import RoomConnection
from gateway.rooms.frames import message_frame
from gateway.rooms.keepalive import Keepalive
from gateway.rooms.order import RoomOrder
from gateway.rooms.roles import RoleCache
from gateway.rooms.transport import CLOSE_TIMEOUT, Transport
from services.common import config
from services.common.metrics import gauge
from services.common.room_messages import TOKEN_REVOKED

log = logging.getLogger(__name__)

OPEN_SOCKETS = gauge("open_websockets", "Open event-room websockets of this gateway process.")

#: open room sockets per user on this gateway process; the next handshake is HTTP 429
SOCKETS_PER_USER = config.ROOM_SOCKETS_PER_USER.value()


class RoomHub(ProviderCollector, SharedExtension):
    """Shared by the room entrypoints and the ``Rooms`` dependency of one service."""

    def __init__(self) -> None:
        super().__init__()
        self.rooms: dict[int, set[RoomConnection]] = defaultdict(set)
        self.order: dict[int, RoomOrder] = {}
        self.access_types: dict[int, str] = {}
        self.finished: dict[RoomConnection, Event] = {}
        self.sockets_per_user: Counter[Any] = Counter()  #: open and opening, by user id
        self.accepting = True
        self.request_entrypoint: Entrypoint | None = None  #: set by ``@room_request``
        self.presence = PresenceTracker()
        self.roles = RoleCache()
        self.keepalive = Keepalive(self.transports)

    def start(self) -> None:
        self.container.spawn_managed_thread(self.keepalive.run)

    # sockets -------------------------------------------------------------------------------
    def add(self, connection: RoomConnection) -> None:
        self.rooms[connection.room].add(connection)
        self.finished[connection] = Event()
        OPEN_SOCKETS.inc()
        if connection.user_id is not None:
            self.presence.opened(connection.room, member(connection.principal, connection.role))

    def remove(self, connection: RoomConnection) -> None:
        room = self.rooms.get(connection.room)
        if room is not None:
            room.discard(connection)
            if not room:
                del self.rooms[connection.room]
                order = self.order.pop(connection.room, None)
                if order is not None:
                    order.forget()
                self.access_types.pop(connection.room, None)
        self.finished.pop(connection).send()
        OPEN_SOCKETS.dec()
        if connection.user_id is not None:
            self.presence.closed(connection.room, connection.user_id)

    def connections(self) -> list[RoomConnection]:
        return [connection for room in self.rooms.values() for connection in room]

    def transports(self) -> list[Transport]:
        return [connection.transport for room in self.rooms.values() for connection in room]

    def claim(self, user_id: Any) -> bool:
        """Count one more socket of the user, unless it has ``SOCKETS_PER_USER`` already."""
        if self.sockets_per_user[user_id] >= SOCKETS_PER_USER:
            return False
        self.sockets_per_user[user_id] += 1
        return True

    def release(self, user_id: Any) -> None:
        self.sockets_per_user[user_id] -= 1
        if self.sockets_per_user[user_id] <= 0:
            del self.sockets_per_user[user_id]

    # room messages -------------------------------------------------------------------------
    def deliver(self, message: dict[str, Any]) -> None:
        """A ``room_message`` of the realtime service: close whom it says to close, then write
        its frame to every other socket in the room, in revision order (see :class:`RoomOrder`).
        Roles known here for the room are forgotten: the message may have changed them."""
        room = message["room"]
        close = message.get("close")
        body = message.get("message")
        if close or (body is not None and body.get("event") == "event.changed"):
            self.roles.drop_room(room)
        connections = self.rooms.get(room)
        if not connections:
            return
        if close:  # applied even when late: a revoked user must not keep listening
            for connection in list(connections):
                if close["user_id"] is None or connection.user_id == close["user_id"]:
                    connection.close(close["code"])
        if body is not None:
            if room not in self.order:
                self.order[room] = RoomOrder(self._send_to_room)
            self.order[room].arrived(message)

    def _send_to_room(self, message: dict[str, Any]) -> None:
        """Framed once for the room; the sender's copy again, with its request id."""
        body, origin, revision = message["message"], message.get("origin"), message["revision"]
        frame = message_frame(body)
        for connection in list(self.rooms.get(message["room"], ())):
            request_id = connection.take_echo(origin)
            connection.send_frame(
                frame
                if request_id is None
                else message_frame(protocol.with_request_id(body, request_id)),
                revision,
            )

    def deliver_feature(self, message: dict[str, Any]) -> None:
        """A ``room_presence`` of the realtime service: its message, framed once, to the room's
        sockets that asked for its feature (no revision: presence is not ordered with them)."""
        frame = None
        for connection in list(self.rooms.get(message["room"], ())):
            if message["feature"] in connection.features:
                frame = frame or message_frame(message["message"])
                connection.send_frame(frame)

    # losing access ---------------------------------------------------------------------------
    def close_tokens(self, token_hashes: list[str]) -> None:
        """Revoked tokens: their sockets close with 4401."""
        revoked = set(token_hashes)
        for connection in self.connections():
            if connection.token_hash in revoked:
                connection.close(TOKEN_REVOKED)

    def of_users(self, user_ids: list[Any]) -> list[RoomConnection]:
        """The open sockets of these users, in any room."""
        users = set(user_ids)
        return [connection for connection in self.connections() if connection.user_id in users]

    def turned_private(self, message: dict[str, Any]) -> list[RoomConnection]:
        """The room's sockets when `message` makes its event private (public before, or not known
        here): whoever was a guest only because it was public must lose the room."""
        body = message.get("message") or {}
        if body.get("event") != "event.changed" or message["room"] not in self.rooms:
            return []
        access_type = body["payload"]["event"]["access_type"]
        before = self.access_types.get(message["room"])
        self.access_types[message["room"]] = access_type
        if access_type != "private" or before == "private":
            return []
        return list(self.rooms[message["room"]])

    # stopping --------------------------------------------------------------------------------
    def shut_down(self) -> None:
        """Refuse new sockets, close every open one with 1001 and wait (bounded) for them."""
        if not self.accepting:
            return
        self.accepting = False
        waiting = list(self.finished.values())
        for connection in self.connections():
            connection.close(CloseCode.GOING_AWAY)
        with eventlet.Timeout(CLOSE_TIMEOUT, False):
            for finished in waiting:
                finished.wait()
        self.say_stopped()

    def say_stopped(self) -> None:
        """Tell realtime that this gateway's users leave their rooms now, rather than when its
        missing heartbeats time out (``PRESENCE_GATEWAY_TIMEOUT_SECONDS``)."""
        try:
            dispatch = event_dispatcher(self.container.config)
            dispatch("gateway", "presence_stopped", {"gateway": self.presence.gateway})
        except Exception as exc:  # the broker may be why we stop: the timeout covers it
            log.warning("could not announce this gateway's presence stop: %r", exc)

    def stop(self) -> None:
        self.shut_down()
        super().stop()


class Rooms(DependencyProvider):
    """``rooms = Rooms()`` on the gateway: the process's :class:`RoomHub`."""

    hub = RoomHub()

    def get_dependency(self, worker_ctx: Any) -> RoomHub:
        return self.hub
