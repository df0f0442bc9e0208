"""Frames built once: valid unmasked text frames any client reads."""

import json

from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from gateway.rooms.frames import PING, message_frame


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("incomplete frame")


def test_a_message_frame_is_one_unmasked_text_frame_of_its_json():
    message = {"event": "playlist.changed", "payload": {"name": "Zoë " * 100}}
    frame = parse(message_frame(message))
    assert (frame.opcode, frame.fin) == (Opcode.TEXT, True)
    assert json.loads(frame.data) == message


def test_the_ping_is_a_ping():
    assert parse(PING).opcode is Opcode.PING
