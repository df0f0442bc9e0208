"""Frames built once: valid unmasked text frames any client reads."""

import json

from websockets.frames import Frame, Opcode

from gateway.rooms.frames import PING, message_frame
from tests.gateway.rooms.stand_ins import split_frame


def parse(data: bytes) -> Frame:
    frame, size = split_frame(data)
    assert size == len(data)
    return frame


def test_a_message_frame_is_one_unmasked_text_frame_of_its_json():
    message = {"event": "playlist.changed", "payload": {"name": "Zoë " * 100}}
    frame = parse(message_frame(message))
    assert (frame.opcode, frame.fin) == (Opcode.TEXT, True)
    assert json.loads(frame.data) == message


def test_the_ping_is_a_ping():
    assert parse(PING).opcode is Opcode.PING
