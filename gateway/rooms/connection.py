"""One open socket in a room: who it is, what it asked for, and what it was last sent."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from websockets.frames import CloseCode

from gateway.rooms.budget import TokenBucket
from gateway.rooms.frames import message_frame
from gateway.rooms.transport import TOO_SLOW, Transport
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND, TOKEN_REVOKED

#: request ids kept per socket until the broadcast their action caused comes back
PENDING_ECHOES = 64

CLOSE_REASONS = {
    TOKEN_REVOKED: "Token revoked",
    ACCESS_DENIED: "Access denied",
    EVENT_NOT_FOUND: "Event not found",
    TOO_SLOW: "Too slow to read",
    CloseCode.GOING_AWAY: "Server shutting down",
}


class RoomConnection:
    """A :class:`Transport` in room `room`, opened by `principal` (with the credentials whose
    hash is `token_hash`, closed 4401 when they are revoked) holding `role`; `features` is what
    it asked for with ``?with=`` (presence, now_playing)."""

    __slots__ = (
        "transport",
        "room",
        "principal",
        "token_hash",
        "role",
        "features",
        "user_id",
        "budget",
        "last_revision",
        "echoes",
    )

    def __init__(
        self,
        transport: Transport,
        room: int,
        principal: dict[str, Any],
        token_hash: str | None = None,
        role: str = "",
        features: frozenset[str] = frozenset(),
    ) -> None:
        self.transport = transport
        self.room = room
        self.principal = principal
        self.token_hash = token_hash
        self.role = role
        self.features = features
        self.user_id = principal.get("user_id")
        self.budget = TokenBucket()
        self.last_revision = 0
        self.echoes: OrderedDict[str, Any] = OrderedDict()

    @property
    def closing(self) -> bool:
        return self.transport.closing

    def expect_echo(self, origin: str, request_id: Any) -> None:
        """The broadcast caused by request `origin` carries `request_id` on this socket's copy."""
        self.echoes[origin] = request_id
        while len(self.echoes) > PENDING_ECHOES:
            self.echoes.popitem(last=False)

    def take_echo(self, origin: str | None) -> Any:
        return self.echoes.pop(origin, None) if origin and self.echoes else None

    def send(self, message: dict[str, Any]) -> bool:
        """A message for this socket alone (an answer to its request)."""
        return self.send_frame(message_frame(message), message["payload"].get("revision"))

    def send_frame(self, frame: bytes, revision: int | None = None) -> bool:
        """Write a frame, possibly shared with the room. A room message (`revision` given) older
        than one already sent is dropped (False), as is anything once the socket is closing."""
        if revision is not None:
            if revision < self.last_revision:
                return False
            self.last_revision = revision
        return self.transport.send_frame(frame)

    def close(self, code: int) -> None:
        self.transport.close(code, CLOSE_REASONS.get(code, ""))
