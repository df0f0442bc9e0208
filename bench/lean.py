"""What the benchmarks measure the server with, at little cost of their own:

- :class:`Connection`: a keep-alive HTTP/1.1 client on a raw socket (one request at a time, the
  request bytes built once per call, the answer read by ``Content-Length``; it reconnects when the
  server closes, as gunicorn's sync workers do after every answer). A green thread per client costs
  ~0.1 ms of CPU per request, against ~1.7 ms for ``requests``.
- :class:`CpuMeter`: the CPU time (user + system, from ``/proc/<pid>/stat``) each process of the
  stack spent between two readings: the gateways and services (from the runner's pid files), the
  PostgreSQL backends serving the run's databases, RabbitMQ's ``beam.smp`` and the benchmark's own
  process. Divided by the requests of a row, it is the CPU milliseconds per request of each process:
  a figure that a busy machine changes far less than it changes latency or throughput.

The benchmark monkey-patches eventlet first, so the sockets here are green.
"""

from __future__ import annotations

import json
import os
import socket
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


class HttpError(Exception):
    """An answer other than the one expected; the message has its status and the start of its
    body."""


class Connection:
    """One keep-alive connection to ``base_url`` sending ``headers`` with every request."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.prefix = parts.path.rstrip("/")
        fixed = {"Host": parts.netloc, "Connection": "keep-alive", **(headers or {})}
        self.fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=60)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """(status, body) of one request; a JSON body when `body` is not None."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {self.prefix}{path} HTTP/1.1\r\n{self.fixed}"
            f"Content-Length: {len(payload)}\r\n"
            + ("Content-Type: application/json\r\n" if body is not None else "")
            + "\r\n"
        )
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: once more
            sock = self.sock or self._connect()
            try:
                sock.sendall(head.encode() + payload)
                return self._answer(sock, method)
            except (ConnectionError, EOFError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def expect(self, status: int, method: str, path: str, body: Any = None) -> bytes:
        got, answer = self.request(method, path, body)
        if got != status:
            raise HttpError(f"{method} {path}: {got} {answer[:200]!r}")
        return answer

    def _read_until(self, sock: socket.socket, marker: bytes) -> int:
        while (index := self.buffer.find(marker)) < 0:
            self._fill(sock)
        return index

    def _fill(self, sock: socket.socket) -> None:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        self.buffer += chunk

    def _answer(self, sock: socket.socket, method: str) -> tuple[int, bytes]:
        end = self._read_until(sock, b"\r\n\r\n")
        head, self.buffer = self.buffer[:end].decode("latin-1"), self.buffer[end + 4 :]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            body = self._chunked(sock)
        else:
            length = (
                0
                if method == "HEAD" or status in (204, 304)
                else int(fields.get("content-length", "0"))
            )
            while len(self.buffer) < length:
                self._fill(sock)
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def _chunked(self, sock: socket.socket) -> bytes:
        body = b""
        while True:
            end = self._read_until(sock, b"\r\n")
            size = int(self.buffer[:end].split(b";")[0], 16)
            self.buffer = self.buffer[end + 2 :]
            while len(self.buffer) < size + 2:
                self._fill(sock)
            body, self.buffer = body + self.buffer[:size], self.buffer[size + 2 :]
            if size == 0:
                return body


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process (all its threads), in clock ticks; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5), after pid and comm


def process_group(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def _command_lines() -> Iterable[tuple[int, str]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                yield (
                    int(entry.name),
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"),
                )
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue


class CpuMeter:
    """CPU seconds per process group between :meth:`start` and :meth:`stop`.

    `run_folder` holds the stack's pid files (``gateway.pid``, ``events.2.pid`` …, one group per
    service: instances are added up); `databases` maps a group name to a PostgreSQL database whose
    backends count for it; `process_groups` a group name to a process group id (every process in
    it counts: a server started in a session of its own, with its workers). ``rabbitmq (shared)`` is the whole broker, which other work on the
    machine may use as well; ``client`` is the benchmark's own process.
    """

    def __init__(
        self,
        run_folder: Path | None,
        databases: dict[str, str] | None = None,
        process_groups: dict[str, int] | None = None,
    ) -> None:
        self.run_folder = run_folder
        self.databases = databases or {}
        self.process_groups = {pgid: label for label, pgid in (process_groups or {}).items()}
        self.before: dict[int, tuple[str, int]] = {}
        self.seconds: dict[str, float] = {}

    def _processes(self) -> dict[int, str]:
        found: dict[int, str] = {os.getpid(): "client"}
        if self.run_folder is not None:
            for pid_file in self.run_folder.glob("*.pid"):
                label = pid_file.stem.split(".")[0]
                if label == "setlist":
                    continue
                try:
                    found[int(pid_file.read_text())] = label
                except ValueError:
                    continue
        for pid, command in _command_lines():
            pgid = process_group(pid)
            grouped = self.process_groups.get(pgid) if pgid is not None else None
            if self.process_groups and grouped:
                found[pid] = grouped
            elif "beam.smp" in command and "rabbit" in command:
                found[pid] = "rabbitmq (shared)"
            elif command.startswith("postgres: "):
                for group, database in self.databases.items():
                    if f" {database} " in command:
                        found[pid] = f"postgresql {group}"
        return found

    def _read(self) -> dict[int, tuple[str, int]]:
        readings = {}
        for pid, label in self._processes().items():
            ticks = cpu_ticks(pid)
            if ticks is not None:
                readings[pid] = (label, ticks)
        return readings

    def start(self) -> None:
        self.before = self._read()

    def stop(self) -> dict[str, float]:
        """CPU seconds per group since :meth:`start` (a process started meanwhile counts whole)."""
        totals: dict[str, float] = defaultdict(float)
        for pid, (label, ticks) in self._read().items():
            spent = ticks - self.before.get(pid, (label, 0))[1]
            totals[label] += max(0, spent) / TICKS_PER_SECOND
        self.seconds = dict(sorted(totals.items()))
        return self.seconds


def per_request_ms(seconds: dict[str, float], requests: int) -> dict[str, float]:
    """CPU milliseconds per request of each group, and ``server``: the total of every group but
    the client."""
    figures = {label: spent * 1000 / requests for label, spent in seconds.items()}
    figures["server"] = sum(ms for label, ms in figures.items() if label != "client")
    return figures


def cpu_cell(figures: dict[str, float]) -> str:
    """``server 1.23 = gateway 0.40 + playstate 0.50 + …; client 0.10`` for a table cell."""
    parts = [
        f"{label} {ms:.2f}"
        for label, ms in figures.items()
        if label not in ("server", "client") and ms >= 0.005
    ]
    return (
        f"**{figures['server']:.2f}** = "
        + " + ".join(parts)
        + f"; client {figures.get('client', 0.0):.2f}"
    )
