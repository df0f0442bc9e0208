"""A transport over a real socket pair: frames in, pongs and the closing handshake, writes that
never wait, and a client too slow to read closed with 1013 while another gets everything."""

from __future__ import annotations

import socket

import eventlet
from eventlet.greenio import GreenSocket
from websockets.frames import Close, Frame, Opcode
from websockets.protocol import OPEN
from websockets.server import ServerProtocol

from gateway.rooms.frames import message_frame
from gateway.rooms.takeover import plain_socket
from gateway.rooms.transport import Transport
from tests.gateway.rooms.stand_ins import split_frame, split_frames


def pair(
    backlog_limit: int = 1 << 20, buffer: int | None = None
) -> tuple[Transport, socket.socket]:
    """An open transport and its client's end (a green socket)."""
    server, client = plain_socket.socketpair()
    if buffer is not None:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffer)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffer)
    server.setblocking(False)
    client = GreenSocket(client)  # waits without stopping the server's green threads
    protocol = ServerProtocol(state=OPEN)
    protocol.parser = protocol.parse()
    next(protocol.parser)
    return Transport(server, protocol, backlog_limit), client


def from_client(opcode: Opcode, data: bytes, fin: bool = True) -> bytes:
    return Frame(opcode, data, fin).serialize(mask=True, extensions=[])


def read_raw(client: socket.socket) -> list[Frame]:
    """Every frame the client has been sent until the server ended the stream."""
    data = b""
    while chunk := client.recv(65536):
        data += chunk
    return split_frames(data)


def test_messages_in_whole_or_in_fragments_and_a_ping_answered():
    transport, client = pair()
    received: list[bytes] = []
    reader = eventlet.spawn(lambda: received.extend(transport.messages()))
    client.sendall(
        from_client(Opcode.TEXT, b'{"event": "sync"}')
        + from_client(Opcode.TEXT, b'{"ev', fin=False)
        + from_client(Opcode.CONT, b'ent": 1}')
        + from_client(Opcode.PING, b"hi")
        + from_client(Opcode.CLOSE, Close(1000, "bye").serialize())
    )
    frames = read_raw(client)  # until the server ends the stream, after its close frame
    assert [frame.opcode for frame in frames] == [Opcode.PONG, Opcode.CLOSE]
    client.close()
    reader.wait()
    assert received == [b'{"event": "sync"}', b'{"event": 1}']
    assert transport.closed


def test_a_close_from_the_server_ends_with_the_clients_answer():
    transport, client = pair()
    reader = eventlet.spawn(lambda: list(transport.messages()))
    transport.close(4403, "Access denied")
    assert not transport.send_frame(message_frame({"event": "late"}))
    eventlet.sleep(0)
    head, _ = split_frame(client.recv(65536))
    assert Close.parse(head.data) == Close(4403, "Access denied")
    client.sendall(from_client(Opcode.CLOSE, head.data))
    assert client.recv(10) == b""  # the server ends the stream first
    client.close()
    reader.wait()
    assert transport.closed


def test_a_client_that_does_not_read_is_closed_1013_and_the_other_gets_everything():
    slow, slow_client = pair(backlog_limit=20_000, buffer=4096)
    fast, fast_client = pair()
    eventlet.spawn(lambda: list(fast.messages()))
    frame = message_frame({"event": "playlist.changed", "payload": {"name": "x" * 2000}})
    sent = 0
    while slow.send_frame(frame) and fast.send_frame(frame):
        sent += 1
        assert sent < 1000, "the slow client was never closed"
    assert slow.closing and slow.backlog.size <= 20_000 + len(frame)
    # the slow client reads at last: whole frames, then the close
    slow_client.settimeout(5)
    data = b""
    while True:
        chunk = slow_client.recv(65536)
        data += chunk
        if not chunk or b"Too slow to read" in data:
            break
    frames = split_frames(data)
    assert frames[-1].opcode is Opcode.CLOSE and Close.parse(frames[-1].data).code == 1013
    assert all(each.data == frames[0].data for each in frames[:-1])
    delivered = b""
    while len(delivered) < sent * len(frame):
        delivered += fast_client.recv(65536)
    assert delivered == frame * sent
