"""A websocket client that costs the benchmark little, so that what it measures is the server:

- raw non-blocking sockets under one ``epoll`` per reader process, the upgrade request built once
  as bytes, the 101 read by hand;
- frames parsed by their header only (RFC 6455 §5.2: server frames are unmasked); a text frame is
  not decoded as JSON, its ``event`` and ``revision`` are found with one regular expression;
- the client's frames masked with the zero key (valid, and the payload stays as it is); pings
  answered with pongs, so the gateways' keepalive keeps the sockets.

:class:`Readers` runs the sockets in several processes (each its own epoll loop), which record
when each revision of ``playlist.changed`` reached each socket (``time.monotonic``, the same
clock in every process); :class:`Sender` is one blocking socket that sends actions and reads
their echo.
"""

from __future__ import annotations

import base64
import errno
import json
import multiprocessing
import os
import re
import select
import socket
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit

PLAYLIST_CHANGED = re.compile(rb'^\{"event": "playlist\.changed".*"revision": (\d+)')
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
#: handshakes a reader process has under way at once
OPENING_AT_ONCE = 50
RETRY_SECONDS = 0.5


def upgrade_request(url: str) -> tuple[tuple[str, int], bytes]:
    """The address of a ``ws://`` URL and the bytes of its upgrade request."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    return (parts.hostname or "127.0.0.1", parts.port or 80), request.encode()


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (zero masking key: the payload goes as it is)."""
    size = len(payload)
    if size < 126:
        length = bytes([0x80 | size])
    elif size < 1 << 16:
        length = bytes([0x80 | 126]) + size.to_bytes(2, "big")
    else:
        length = bytes([0x80 | 127]) + size.to_bytes(8, "big")
    return bytes([0x80 | opcode]) + length + b"\0\0\0\0" + payload


def split_frames(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """The whole frames at the start of `data` as (opcode, payload), and the bytes they take."""
    frames = []
    at, end = 0, len(data)
    while end - at >= 2:
        size, start = data[at + 1] & 0x7F, at + 2
        if size == 126:
            if end - at < 4:
                break
            size, start = int.from_bytes(data[at + 2 : at + 4], "big"), at + 4
        elif size == 127:
            if end - at < 10:
                break
            size, start = int.from_bytes(data[at + 2 : at + 10], "big"), at + 10
        if end < start + size:
            break
        frames.append((data[at] & 0x0F, data[start : start + size]))
        at = start + size
    return frames, at


class HandshakeRefused(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"handshake answered {status}")
        self.status = status


@dataclass
class Socket:
    """One client socket: its URL, what it has read and not parsed yet, whether it is open."""

    url: str
    sock: socket.socket | None = None
    buffer: bytearray = field(default_factory=bytearray)
    open: bool = False
    closed_with: int | None = None


def read_handshake(entry: Socket) -> bool:
    """True once the 101 is read (frames after it stay in the buffer); HandshakeRefused else."""
    end = entry.buffer.find(b"\r\n\r\n")
    if end < 0:
        return False
    status = int(entry.buffer[: entry.buffer.find(b"\r\n")].split(b" ")[1])
    if status != 101:
        raise HandshakeRefused(status)
    del entry.buffer[: end + 4]
    entry.open = True
    return True


class ReaderLoop:
    """One reader process: opens its sockets, then reads them all under one epoll and answers
    the main process's questions on `control`."""

    def __init__(self, urls: list[str], control: Connection) -> None:
        self.sockets = [Socket(url) for url in urls]
        self.control = control
        self.poll = select.epoll()
        self.by_fd: dict[int, Socket] = {}
        #: revision → when each socket got it, and the URL of its gateway
        self.arrivals: dict[int, list[tuple[float, str]]] = {}
        self.retried = 0

    def run(self) -> None:
        started = time.monotonic()
        self.open_all()
        self.control.send(("opened", time.monotonic() - started, self.retried))
        self.poll.register(self.control.fileno(), select.EPOLLIN)
        asked: tuple[int, float] | None = None  # (revision, deadline) of an open question
        while True:
            for fd, _ in self.poll.poll(0.05):
                if fd == self.control.fileno():
                    command, *args = self.control.recv()
                    if command == "stop":
                        self.close_all()
                        return
                    if command == "arrivals":
                        asked = (args[0], time.monotonic() + args[1])
                else:
                    self.read(self.by_fd[fd])
            if asked is not None:
                got = self.arrivals.get(asked[0], [])
                if len(got) >= self.open_count() or time.monotonic() > asked[1]:
                    self.control.send(("arrivals", got, self.open_count(), self.closed()))
                    self.arrivals.pop(asked[0], None)
                    asked = None

    def open_count(self) -> int:
        return sum(entry.open for entry in self.sockets)

    def closed(self) -> list[int | None]:
        return [entry.closed_with for entry in self.sockets if entry.closed_with is not None]

    def open_all(self) -> None:
        """Every socket opened, OPENING_AT_ONCE handshakes at a time; a refusal with 503 is
        tried again after a pause (and counted)."""
        waiting = list(self.sockets)
        opening: dict[int, Socket] = {}
        while waiting or opening:
            while waiting and len(opening) < OPENING_AT_ONCE:
                entry = waiting.pop()
                entry.sock = self.connect(entry)
                opening[entry.sock.fileno()] = entry
                self.poll.register(entry.sock.fileno(), select.EPOLLIN)
            for fd, _ in self.poll.poll(1.0):
                if fd in self.by_fd:  # already open: a ping, say
                    self.read(self.by_fd[fd])
                    continue
                entry = opening[fd]
                data = self.receive(entry)
                if data is None:
                    continue
                if not data:  # closed before answering: tried again
                    del opening[fd]
                    entry.closed_with = None
                    self.retried += 1
                    waiting.append(entry)
                    continue
                entry.buffer += data
                try:
                    if read_handshake(entry):
                        del opening[fd]
                        self.by_fd[fd] = entry
                except HandshakeRefused as refused:
                    if refused.status != 503:
                        raise
                    del opening[fd]
                    self.drop(entry)
                    self.retried += 1
                    time.sleep(RETRY_SECONDS)
                    waiting.append(entry)

    def connect(self, entry: Socket) -> socket.socket:
        address, request = upgrade_request(entry.url)
        sock = socket.create_connection(address, timeout=60)
        sock.sendall(request)
        sock.setblocking(False)
        entry.buffer.clear()
        return sock

    def drop(self, entry: Socket) -> None:
        assert entry.sock is not None
        self.poll.unregister(entry.sock.fileno())
        self.by_fd.pop(entry.sock.fileno(), None)
        entry.sock.close()
        entry.sock, entry.open = None, False

    def receive(self, entry: Socket) -> bytes | None:
        """What there is to read (None: nothing yet); b"" when the server closed the connection
        (the socket is then dropped)."""
        assert entry.sock is not None
        try:
            data = entry.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError as failed:
            if failed.errno != errno.ECONNRESET:
                raise
            data = b""
        if not data:
            if entry.closed_with is None:
                entry.closed_with = 1006
            self.drop(entry)
        return data

    def read(self, entry: Socket) -> None:
        data = self.receive(entry)
        if not data:
            return
        if entry.buffer:  # the rest of a frame read before
            data = bytes(entry.buffer) + data
            entry.buffer.clear()
        now = time.monotonic()
        frames, used = split_frames(data)
        entry.buffer += data[used:]
        for opcode, payload in frames:
            if opcode == TEXT:
                changed = PLAYLIST_CHANGED.match(payload)
                if changed:
                    self.arrivals.setdefault(int(changed.group(1)), []).append((now, entry.url))
            elif opcode == PING:
                assert entry.sock is not None
                entry.sock.send(client_frame(PONG, payload))
            elif opcode == CLOSE:
                entry.closed_with = int.from_bytes(payload[:2], "big") if payload else 1005
                self.drop(entry)
                return

    def close_all(self) -> None:
        for entry in self.sockets:
            if entry.sock is not None:
                self.drop(entry)


def reader_main(urls: list[str], control: Connection) -> None:
    ReaderLoop(urls, control).run()


class Readers:
    """`count` sockets over `urls` (socket i on url i mod len(urls)), in `processes` reader
    processes."""

    def __init__(self, urls: list[str], count: int, processes: int) -> None:
        spread = [urls[index % len(urls)] for index in range(count)]
        self.controls: list[Connection] = []
        self.processes: list[Any] = []
        context = multiprocessing.get_context("fork")
        for index in range(processes):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=reader_main, args=(spread[index::processes], theirs), daemon=True
            )
            process.start()
            self.controls.append(mine)
            self.processes.append(process)
        self.pids = [process.pid for process in self.processes]

    def opened(self) -> tuple[float, int]:
        """Wait until every socket is open: (seconds the slowest process took, retries)."""
        answers = [control.recv() for control in self.controls]
        return max(answer[1] for answer in answers), sum(answer[2] for answer in answers)

    def arrivals(
        self, revision: int, timeout: float
    ) -> tuple[list[tuple[float, str]], int, list[int]]:
        """When each open socket got `revision` (within `timeout`) and from which URL, how many
        are open, and the close codes of those the server closed."""
        for control in self.controls:
            control.send(("arrivals", revision, timeout))
        times: list[tuple[float, str]] = []
        open_count, closed = 0, []
        for control in self.controls:
            _, got, still_open, closes = control.recv()
            times += got
            open_count += still_open
            closed += closes
        return times, open_count, closed

    def stop(self) -> None:
        for control in self.controls:
            control.send(("stop",))
        for process in self.processes:
            process.join(30)


class Sender:
    """One blocking socket that sends actions and waits for the broadcast each caused."""

    def __init__(self, url: str) -> None:
        address, request = upgrade_request(url)
        self.sock = socket.create_connection(address, timeout=60)
        self.sock.sendall(request)
        self.entry = Socket(url, self.sock)
        while not read_handshake(self.entry):
            self.entry.buffer += self.sock.recv(65536)
        self.number = 0

    def send(self, action: str, payload: dict[str, Any]) -> tuple[float, int]:
        """When the action went out, and the revision of the `playlist.changed` it caused."""
        self.number += 1
        frame = {"event": action, "payload": payload, "request_id": self.number}
        sent = time.monotonic()
        self.sock.sendall(client_frame(TEXT, json.dumps(frame).encode()))
        while True:
            frames, used = split_frames(bytes(self.entry.buffer))
            del self.entry.buffer[:used]
            for opcode, data in frames:
                if opcode == PING:
                    self.sock.sendall(client_frame(PONG, data))
                elif opcode == TEXT:
                    message = json.loads(data)
                    if message.get("request_id") == self.number:
                        if message["event"] != "playlist.changed":
                            raise RuntimeError(f"{action} answered {message}")
                        return sent, message["payload"]["revision"]
            self.entry.buffer += self.sock.recv(65536)

    def close(self) -> None:
        self.sock.close()
