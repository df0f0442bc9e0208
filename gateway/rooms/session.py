"""The WSGI answer to the websocket route: the upgrade, then the socket's life in a green thread
of its own (the WSGI server's green thread and buffers are let go at once)."""

from __future__ import annotations

from typing import Any

import eventlet
from websockets.server import ServerProtocol

from gateway.presence import requested_features
from gateway.rooms.connection import CLOSE_REASONS, RoomConnection
from gateway.rooms.hub import RoomHub
from gateway.rooms.requests import answer
from gateway.rooms.takeover import handshake_request, take_over
from gateway.rooms.transport import Transport
from services.common import config

#: bytes a client may leave unread beyond the kernel's buffers before it is closed with 1013
BACKLOG_BYTES = config.WEBSOCKET_BACKLOG_BYTES.value()
#: largest message a client may send (websockets closes with 1009 beyond)
MAX_MESSAGE = 64 * 1024


class RoomSession:
    """A handshake that passed the route's checks: `refusal` (4403/4404) closes the socket once
    open; else it joins room `room` as `principal` with `role`. The socket slot
    :meth:`RoomHub.claim` counted for the user is released when the socket ends."""

    def __init__(
        self,
        hub: RoomHub,
        room: int,
        principal: dict[str, Any],
        refusal: int | None,
        token_hash: str | None,
        role: str = "",
    ) -> None:
        self.hub = hub
        self.room = room
        self.principal = principal
        self.refusal = refusal
        self.token_hash = token_hash
        self.role = role

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        protocol = ServerProtocol(max_size=MAX_MESSAGE)
        response = protocol.accept(handshake_request(environ))
        if response.status_code != 101:  # no valid upgrade: websockets' own answer
            self._release()
            start_response(
                f"{response.status_code} {response.reason_phrase}",
                list(response.headers.raw_items()),
            )
            return [response.body]
        transport = Transport(take_over(environ), protocol, BACKLOG_BYTES)
        transport.answer_handshake(response)
        features = requested_features(environ.get("QUERY_STRING", ""))
        eventlet.spawn(self.live, transport, features)
        return []

    def live(self, transport: Transport, features: frozenset[str]) -> None:
        """The socket's whole life: requests answered one after the other, until it closes."""
        if self.refusal is not None:
            transport.close(self.refusal, CLOSE_REASONS[self.refusal])
            for _ in transport.messages():
                pass
            return
        connection = RoomConnection(
            transport, self.room, self.principal, self.token_hash, self.role, features
        )
        self.hub.add(connection)
        try:
            for message in transport.messages():
                entrypoint = self.hub.request_entrypoint
                assert entrypoint is not None, "the gateway has no @room_request method"
                answer(entrypoint, connection, message)
        finally:
            self.hub.remove(connection)
            self._release()

    def _release(self) -> None:
        if self.refusal is None:
            self.hub.release(self.principal.get("user_id"))
