"""One websocket taken over from the WSGI server, driven by websockets' sans-I/O ``ServerProtocol``.

The socket's own green thread reads (:meth:`Transport.messages`): bytes in, the protocol's frames
out, its answers (pongs, the closing handshake) written back. Writing never waits: a frame goes
to the kernel with a non-blocking ``send``; what the socket cannot take yet waits in a
:class:`~gateway.rooms.backlog.Backlog` drained by a green thread that lives only while there is
one. A backlog that outgrows its limit closes the socket with 1013 (too slow to read): nobody
else waits for that client.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import cast

import eventlet
from eventlet.greenthread import GreenThread
from eventlet.hubs import IOClosed, notify_close, trampoline
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import OPEN
from websockets.server import ServerProtocol

from gateway.rooms import frames
from gateway.rooms.backlog import Backlog

log = logging.getLogger(__name__)

#: bytes read from a socket at once
RECEIVE_SIZE = 65536
#: seconds a closing handshake may take before the TCP connection is dropped
CLOSE_TIMEOUT = 10.0
TOO_SLOW = 1013
#: the keepalive's close when a pong does not come back (as websockets' own keepalive)
PING_TIMEOUT = 1011


class Transport:
    """A socket and its protocol. ``closing`` from the moment a close frame is sent or received
    (nothing but control frames goes out after it); ``closed`` once the TCP connection is gone."""

    __slots__ = (
        "sock",
        "fileno",
        "protocol",
        "backlog",
        "drainer",
        "eof_pending",
        "closing",
        "closed",
        "abort_timer",
        "fragments",
        "ping_sent",
    )

    def __init__(self, sock: socket.socket, protocol: ServerProtocol, backlog_limit: int) -> None:
        assert not protocol.extensions, "frames are shared between sockets: no extension"
        self.sock = sock
        self.fileno = sock.fileno()
        self.protocol = protocol
        self.backlog = Backlog(backlog_limit)
        self.drainer: GreenThread | None = None
        self.eof_pending = False  #: the protocol asked to end the TCP stream after the backlog
        self.closing = False
        self.closed = False
        self.abort_timer: GreenThread | None = None
        self.fragments: list[bytes] | None = None  #: of a fragmented message being read
        self.ping_sent: float | None = None  #: when the keepalive's ping still unanswered went out

    def answer_handshake(self, response: Response) -> None:
        """Send the handshake's answer (101), then read frames: the protocol's parser began by
        waiting for the HTTP request, which eventlet has read already, so it starts again."""
        self.protocol.send_response(response)
        self.protocol.parser = self.protocol.parse()
        next(self.protocol.parser)
        self._flush_protocol()

    # writing -------------------------------------------------------------------------------
    def send_frame(self, frame: bytes) -> bool:
        """Write a data frame (built once, possibly shared with other sockets). False when the
        socket is closing; one that cannot take it and has too much waiting is closed 1013."""
        if self.closing:
            return False
        if not self.backlog.fits(len(frame)):
            log.warning(
                "websocket too slow to read (%d bytes waiting); closing it", self.backlog.size
            )
            self.close(TOO_SLOW, "Too slow to read")
            return False
        self._write(frame)
        return True

    def ping(self, now: float) -> None:
        """The keepalive's ping; the socket counts as alive again once anything comes back."""
        if self.closing:
            return
        self.ping_sent = now
        self._write(frames.PING)

    def _write(self, data: bytes) -> None:
        if self.closed:
            return
        if self.backlog:
            self.backlog.push(data)
            return
        try:
            written = self.sock.send(data)
        except BlockingIOError:
            written = 0
        except OSError:
            self.abort()
            return
        if written < len(data):
            self.backlog.push(data, written)
            if self.drainer is None:
                self.drainer = eventlet.spawn(self._drain)

    def _drain(self) -> None:
        """Write the backlog as the socket takes it; then end the stream if that was asked."""
        try:
            while self.backlog:
                try:
                    self.backlog.written(self.sock.send(self.backlog.head()))
                except BlockingIOError:
                    trampoline(self.fileno, write=True)
        except (OSError, IOClosed):
            self.abort()
        finally:
            self.drainer = None
        if self.eof_pending and not self.closed:
            self._end_stream()

    def _flush_protocol(self) -> None:
        """Write what the protocol has to send (pongs, close frames); an empty chunk is its
        signal to end the TCP stream, after whatever waits before it."""
        for data in self.protocol.data_to_send():
            if data:
                self._write(data)
            else:
                self.eof_pending = True
        if self.protocol.state is not OPEN:
            self.closing = True
        if self.eof_pending and not self.backlog and not self.closed:
            self._end_stream()

    def _end_stream(self) -> None:
        """Half-close: the client closes its side once it has read everything (or is dropped
        after ``CLOSE_TIMEOUT``)."""
        self.eof_pending = False
        if self.abort_timer is None:
            self.abort_timer = eventlet.spawn_after(CLOSE_TIMEOUT, self.abort)
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.abort()

    # closing -------------------------------------------------------------------------------
    def close(self, code: int, reason: str = "") -> None:
        """Start the closing handshake: frames not yet begun are dropped, the close frame goes
        out after the one being written. A client that does not answer it within
        ``CLOSE_TIMEOUT`` loses the TCP connection."""
        if self.closing or self.closed:
            return
        self.closing = True
        self.backlog.drop_unstarted()
        if self.protocol.state is OPEN:
            self.protocol.send_close(code, reason)
        self._flush_protocol()
        if self.abort_timer is None:
            self.abort_timer = eventlet.spawn_after(CLOSE_TIMEOUT, self.abort)

    def abort(self) -> None:
        """Drop the TCP connection now (the reading green thread then ends)."""
        if self.closed:
            return
        self.closed = self.closing = True
        self.backlog.drop_unstarted()
        if self.abort_timer is not None:
            self.abort_timer.cancel()
        notify_close(self.fileno)
        self.sock.close()

    # reading -------------------------------------------------------------------------------
    def messages(self) -> Iterator[bytes]:
        """The payloads of the client's text and binary messages, until the connection ends
        (then the TCP connection is closed)."""
        try:
            while not self.closed:
                data = self._receive()
                if data:
                    self.protocol.receive_data(data)
                else:
                    self.protocol.receive_eof()
                self.ping_sent = None
                for frame in self.protocol.events_received():
                    message = self._assemble(cast(Frame, frame))  # events of an open socket
                    if message is not None and not self.closing:
                        yield message
                self._flush_protocol()
                if not data:
                    return
        finally:
            self.abort()

    def _receive(self) -> bytes:
        while True:
            try:
                return self.sock.recv(RECEIVE_SIZE)
            except BlockingIOError:
                try:
                    trampoline(self.fileno, read=True)
                except IOClosed:
                    return b""
            except OSError:
                return b""

    def _assemble(self, frame: Frame) -> bytes | None:
        """A whole message from a data frame and its continuations; None until it is whole."""
        data = bytes(frame.data)
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY):
            if frame.fin:
                return data
            self.fragments = [data]
        elif frame.opcode is Opcode.CONT and self.fragments is not None:
            self.fragments.append(data)
            if frame.fin:
                message, self.fragments = b"".join(self.fragments), None
                return message
        return None

    def overdue(self, now: float, timeout: float) -> bool:
        """Whether the keepalive's ping has gone unanswered for `timeout` seconds."""
        return self.ping_sent is not None and now - self.ping_sent >= timeout
