"""Event-room fan-out: N websockets in one room, spread over two gateways; how long an `add_track`
takes to reach the last of them, how many messages per second the gateways deliver, and how much
gateway memory a connection costs.

It starts its own stack with two gateways (as `GATEWAY_INSTANCES=2 make run` does: SQLite, the local
RabbitMQ, in a vhost of its own) and stops it afterwards. Run from the project root:

    .venv/bin/python bench/fanout.py [--sockets 1000 5000] [--rounds 20]

Each round one socket sends `add_track` (then `remove_track`, so the playlist and the message stay
small); the round's time runs from that send to the moment the last of the N sockets has the
resulting `playlist.changed`. The clients are one asyncio process (the `websockets` library) on the
same two cores as the stack, so the figures include the client's own reading time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.results import percentile, write_section  # noqa: E402
from bench.stack import gateways_stack  # noqa: E402
from setlist.limits import raise_open_files  # noqa: E402
from tests.support.accounts import new_organizer  # noqa: E402
from tests.support.client import Api  # noqa: E402
from tests.support.infrastructure import Stack  # noqa: E402
from tests.support.rooms import new_event, room_url  # noqa: E402

COMMAND = "python bench/fanout.py"
GATEWAYS = 2
CONNECT_BATCH = 50
CONNECT_TRIES = 10
ROUND_SECONDS = 120


def rss_bytes(pids: list[int | None]) -> int:
    total = 0
    for pid in pids:
        if pid is None:
            raise RuntimeError("a gateway has no pid file")
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


@dataclass
class Room:
    """N sockets and what they received: per round, every arrival time after the baseline."""

    size: int
    baseline: int = 0
    arrivals: list[float] = field(default_factory=list)
    newest: int = 0
    closed: list[int] = field(default_factory=list)
    everyone: asyncio.Event = field(default_factory=asyncio.Event)

    def start_round(self) -> None:
        self.baseline, self.arrivals = self.newest, []
        self.everyone.clear()

    async def read(self, socket: ClientConnection) -> None:
        try:
            async for frame in socket:
                message = json.loads(frame)
                revision = message.get("payload", {}).get("revision", 0)
                if message.get("event") == "playlist.changed" and revision > self.baseline:
                    self.arrivals.append(time.monotonic())
                    self.newest = max(self.newest, revision)
                    if len(self.arrivals) == self.size:
                        self.everyone.set()
        finally:
            self.closed.append(socket.close_code or 0)


async def open_socket(url: str, retries: list[str]) -> ClientConnection:
    """A socket. A handshake refused with 503 or not answered in time (the gateway's RPCs behind
    it time out under the connection storm) is tried again after a pause, as a client would, and
    counted; the last try's failure ends the benchmark."""

    def attempt() -> Any:
        return connect(url, ping_interval=None, open_timeout=60, max_size=None)

    for tried in range(1, CONNECT_TRIES):
        try:
            return await attempt()
        except (InvalidStatus, TimeoutError) as failed:
            if isinstance(failed, InvalidStatus) and failed.response.status_code != 503:
                raise
            retries.append(url)
            await asyncio.sleep(0.5 * tried)
    return await attempt()


async def open_sockets(urls: list[str], count: int, retries: list[str]) -> list[ClientConnection]:
    """`count` sockets, socket i on gateway i mod len(urls), opened a batch at a time."""
    sockets: list[ClientConnection] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = range(start, min(count, start + CONNECT_BATCH))
        sockets += await asyncio.gather(*(open_socket(urls[i % len(urls)], retries) for i in batch))
    return sockets


async def measure(
    urls: list[str], count: int, rounds: int, track_id: int, gateway_rss: Callable[[], int]
) -> dict:
    before = gateway_rss()
    started = time.monotonic()
    retries: list[str] = []
    sockets = await open_sockets(urls, count, retries)
    connect_seconds = time.monotonic() - started
    room = Room(count)
    readers = [asyncio.create_task(room.read(socket)) for socket in sockets]
    sender = sockets[0]

    async def one_round(action: str) -> tuple[float, list[float], int]:
        room.start_round()
        sent = time.monotonic()
        await sender.send(json.dumps({"event": action, "payload": {"track_id": track_id}}))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(room.everyone.wait(), ROUND_SECONDS)
        arrivals = list(room.arrivals)
        return sent, arrivals, count - len(arrivals)

    # warm up until every socket has joined the room (a socket that joined after a broadcast
    # misses it), and so that the playlist holds the track before the measured rounds
    for attempt in range(5):
        _, _, missing = await one_round("add_track" if attempt % 2 == 0 else "remove_track")
        if not missing and attempt % 2 == 0:
            break
    after = gateway_rss()
    last, each, missed = [], [], 0
    for index in range(rounds):
        sent, arrivals, missing = await one_round("remove_track" if index % 2 == 0 else "add_track")
        missed += missing
        if arrivals:
            last.append(max(arrivals) - sent)
            each += [arrival - sent for arrival in arrivals]
    closed_early = len(room.closed)
    for start in range(0, count, CONNECT_BATCH):
        await asyncio.gather(*(socket.close() for socket in sockets[start : start + CONNECT_BATCH]))
    await asyncio.gather(*readers, return_exceptions=True)
    return {
        "sockets": count,
        "rounds": rounds,
        "connect_s": connect_seconds,
        "last_p50_ms": percentile(last, 50) * 1000,
        "last_p99_ms": percentile(last, 99) * 1000,
        "last_max_ms": max(last) * 1000,
        "each_p50_ms": percentile(each, 50) * 1000,
        "each_p99_ms": percentile(each, 99) * 1000,
        "per_s": len(each) / sum(last),
        "missed": missed,
        "closed_early": closed_early,
        "rss_per_socket_kib": (after - before) / count / 1024,
        "rss_before_mib": before / 2**20,
        "rss_after_mib": after / 2**20,
        "retried": len(retries),
    }


def prepare_room(stack: Stack) -> tuple[str, int, int]:
    """An administrator's token, an event of theirs, and a catalogue track."""
    token = stack.create_user("bench", "bench-password", admin=True)
    admin = Api(stack.url, token)
    event_id = new_event(admin, new_organizer(admin, "bench"), "fanout")
    track = admin.post("/api/v1/tracks/", {"name": "Bench track"})
    assert track.status_code == 201, track.text
    return token, event_id, track.json()["id"]


def report(rows: list[dict], command: str, file_limit: int) -> str:
    lines = [
        "## Event-room fan-out (`bench/fanout.py`)",
        "",
        f"Command: `{command}` — the stack started by the benchmark with two gateways "
        "(`GATEWAY_INSTANCES=2`, SQLite, local RabbitMQ), the sockets spread evenly over "
        f"both; open files limit {file_limit}. *last* is, per round, the time from sending "
        "`add_track`/`remove_track` over one socket to the last socket receiving "
        "`playlist.changed`; *each* is every single delivery; msg/s is deliveries per second "
        "of round time; memory is the gateways' RSS growth per connected socket. The client "
        "is one asyncio process on the same two cores as the stack, so times include its "
        "reading. *connects retried* counts handshakes refused with 503 or unanswered in 60 s "
        f"while the sockets were opened {CONNECT_BATCH} at a time, and tried again.",
        "",
        "| sockets | rounds | last p50 ms | last p99 ms | last max ms | each p50 ms | "
        "each p99 ms | msg/s | missed | closed early | KiB/socket | gateways RSS MiB | "
        "connect s | connects retried |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['sockets']} | {row['rounds']} | {row['last_p50_ms']:.0f} | "
            f"{row['last_p99_ms']:.0f} | {row['last_max_ms']:.0f} | {row['each_p50_ms']:.0f} | "
            f"{row['each_p99_ms']:.0f} | {row['per_s']:.0f} | {row['missed']} | "
            f"{row['closed_early']} | {row['rss_per_socket_kib']:.1f} | "
            f"{row['rss_before_mib']:.0f} → {row['rss_after_mib']:.0f} | {row['connect_s']:.1f} | "
            f"{row['retried']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    command = f"{COMMAND} --sockets {' '.join(map(str, args.sockets))} --rounds {args.rounds}"
    print(command, flush=True)
    file_limit = raise_open_files()
    if file_limit < 2 * max(args.sockets) + 1000:
        sys.exit(f"open files limit {file_limit} is too low for {max(args.sockets)} sockets")

    rows = []
    with gateways_stack(GATEWAYS) as (stack, gateways):
        token, event_id, track_id = prepare_room(stack)
        urls = [room_url(url, event_id, f"token={quote(token)}") for url in gateways]
        pids = [stack.pid(f"gateway.{index + 1}") for index in range(GATEWAYS)]
        for count in args.sockets:
            rows.append(
                asyncio.run(measure(urls, count, args.rounds, track_id, lambda: rss_bytes(pids)))
            )
            print(report(rows[-1:], command, file_limit).splitlines()[-1], flush=True)

    text = report(rows, command, file_limit)
    print(text)
    print(f"\n{command}")
    write_section("fanout", text)


if __name__ == "__main__":
    main()
