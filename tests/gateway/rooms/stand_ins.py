"""A stand-in transport for the hub's and connection's tests: it records what it is sent."""

from __future__ import annotations

import json
from typing import Any, cast

from websockets.frames import Frame
from websockets.streams import StreamReader

from gateway.rooms.connection import RoomConnection
from gateway.rooms.transport import Transport


def split_frame(data: bytes) -> tuple[Frame, int]:
    """The unmasked frame at the start of `data`, and its size in bytes."""
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value, len(data) - len(reader.buffer)
    raise AssertionError("incomplete frame")


def split_frames(data: bytes) -> list[Frame]:
    """Every frame of a stream of whole unmasked frames."""
    frames = []
    while data:
        frame, size = split_frame(data)
        frames.append(frame)
        data = data[size:]
    return frames


def read_frames(data: bytes) -> list[Any]:
    """The messages of a stream of unmasked text frames."""
    return [json.loads(bytes(frame.data)) for frame in split_frames(data)]


class RecordingTransport:
    """Takes every frame (one already built, possibly shared) and remembers its message."""

    def __init__(self) -> None:
        self.frames: list[dict] = []
        self.closing = False
        self.closed_with: int | None = None

    def send_frame(self, frame: bytes) -> bool:
        if self.closing:
            return False
        self.frames.extend(read_frames(frame))
        return True

    def close(self, code: int, reason: str = "") -> None:
        if not self.closing:
            self.closing, self.closed_with = True, code


def connection(room: int = 7, user_id: int | None = 1, **kwargs: Any) -> RoomConnection:
    return RoomConnection(
        cast(Transport, RecordingTransport()), room, {"user_id": user_id}, **kwargs
    )


def sent(connection: RoomConnection) -> list[dict]:
    return cast(RecordingTransport, connection.transport).frames


def closed_with(connection: RoomConnection) -> int | None:
    return cast(RecordingTransport, connection.transport).closed_with
