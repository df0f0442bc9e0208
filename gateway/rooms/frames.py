"""Server frames as bytes, built once and written to any number of sockets.

A server's frames are unmasked (RFC 6455 §5.1) and no extension is negotiated (the handshake offers
none, so no permessage-deflate), so one frame's bytes are valid on every socket: a broadcast is
encoded and framed once for the whole room.
"""

from __future__ import annotations

import json
from typing import Any

from websockets.frames import Frame, Opcode


def encode(message: dict[str, Any]) -> bytes:
    """A message as the JSON text of a frame."""
    return json.dumps(message, ensure_ascii=False).encode()


def text_frame(payload: bytes) -> bytes:
    """A whole (FIN) text frame of an encoded message, unmasked."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


def message_frame(message: dict[str, Any]) -> bytes:
    return text_frame(encode(message))


#: the keepalive's ping, the same bytes for every socket
PING = Frame(Opcode.PING, b"keepalive").serialize(mask=False, extensions=[])
