"""Presence and now playing in a crowded room: N websockets present in one room (asking
``?with=presence,now_playing``, spread over two gateways) while L listeners — users present in that
room — report playback progress every second, and each pauses or resumes now and then. Measured:
the messages per second each socket receives (by kind), and the delivery latency of
``now_playing.changed`` (from the report time a changed entry carries in ``updated_at`` to the
moment a socket has it, so it includes the up-to-one-second gathering per room).

It starts its own stack with two gateways (as `GATEWAY_INSTANCES=2 make run` does, in a RabbitMQ
vhost of its own, on PostgreSQL or SQLite) and stops it afterwards. Run from the project root:

    .venv/bin/python bench/presence.py [--sockets 1000] [--listeners 200] [--seconds 60]
        [--change-every 20] [--database postgresql]

The sockets are one asyncio process (the `websockets` library) and the listeners threads of the same
process (`requests`), on the same two cores as the stack, so the figures include the clients' work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.results import percentile, write_section  # noqa: E402
from bench.stack import gateways_stack  # noqa: E402
from setlist.limits import raise_open_files  # noqa: E402
from tests.support.accounts import new_organizer  # noqa: E402
from tests.support.client import Api  # noqa: E402
from tests.support.infrastructure import (  # noqa: E402
    create_databases,
    drop_databases,
)
from tests.support.rooms import new_event, room_url  # noqa: E402

COMMAND = "python bench/presence.py"
GATEWAYS = 2
SERVICES = ("accounts", "events", "playstate")
TICKS = 10_000_000
WARM_UP_SECONDS = 5.0
CONNECT_BATCH = 50
CONNECT_TRIES = 10


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


class Listener:
    """A user present in the room, playing the bench track and reporting every second."""

    def __init__(self, url: str, admin: requests.Session, index: int, item_id: str) -> None:
        self.url = url
        self.item_id = item_id
        self.name, password = f"listener-{index}-{secrets.token_hex(3)}", secrets.token_hex(8)
        created = admin.post(f"{url}/Users/New", json={"Name": self.name, "Password": password})
        assert created.status_code == 200, created.text
        self.http = requests.Session()
        device = (
            f'MediaBrowser Client="bench", Device="bench", DeviceId="bench-{index}", Version="1"'
        )
        login = self.http.post(
            f"{url}/Users/AuthenticateByName",
            json={"Username": self.name, "Pw": password},
            headers={"Authorization": device},
        )
        assert login.status_code == 200, login.text
        self.token = login.json()["AccessToken"]
        self.http.headers["Authorization"] = f'{device}, Token="{self.token}"'
        self.latencies: list[float] = []
        self.failures = 0
        self.changes = 0

    def post(self, path: str, body: dict[str, Any]) -> None:
        sent = time.monotonic()
        try:
            answer = self.http.post(f"{self.url}{path}", json=body, timeout=60)
            ok = answer.status_code == 204
        except requests.RequestException:
            ok = False
        self.latencies.append(time.monotonic() - sent)
        self.failures += not ok

    def play(self, offset: float, change_every: float, until: float) -> None:
        """Start, then a progress report every second that only advances the position, except
        that every `change_every` seconds (first after `offset`) it pauses or resumes."""
        body = {"ItemId": self.item_id, "PlaySessionId": "bench", "PositionTicks": 0}
        self.post("/Sessions/Playing", body)
        started = next_report = time.monotonic()
        next_change = started + offset
        paused, position = False, 0.0
        while next_report < until:
            next_report += 1.0
            time.sleep(max(0.0, next_report - time.monotonic()))
            now = time.monotonic()
            if not paused:
                position += 1.0
            if now >= next_change:
                paused, next_change = not paused, next_change + change_every
                self.changes += 1
            self.post(
                "/Sessions/Playing/Progress",
                {**body, "PositionTicks": int(position * TICKS), "IsPaused": paused},
            )


@dataclass
class Sockets:
    """What the room's sockets received in the measured window."""

    measuring: bool = False
    counts: list[Counter[str]] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    closed: int = 0

    async def read(self, index: int, socket: ClientConnection) -> None:
        seen: dict[int, tuple[bool, str]] = {}
        try:
            async for frame in socket:
                message = json.loads(frame)
                kind = message.get("event", "?")
                if self.measuring:
                    self.counts[index][kind] += 1
                if kind != "now_playing.changed":
                    continue
                now = time.time()
                for entry in message["payload"]["now_playing"]:
                    state = (entry["is_paused"], entry["updated_at"])
                    if seen.get(entry["user"]) != state:
                        seen[entry["user"]] = state
                        if self.measuring:
                            at = datetime.fromisoformat(entry["updated_at"].replace("Z", "+00:00"))
                            self.latencies.append(now - at.timestamp())
        finally:
            self.closed += 1


async def measure(urls: list[str], listeners: list[Listener], args: argparse.Namespace) -> dict:
    """Socket i on urls[i]; the listeners play while the sockets count what they receive."""
    retries: list[str] = []
    started = time.monotonic()
    sockets = await open_sockets(urls, args.sockets, retries)
    connect_seconds = time.monotonic() - started
    room = Sockets(counts=[Counter() for _ in sockets])
    readers = [asyncio.create_task(room.read(i, socket)) for i, socket in enumerate(sockets)]
    until = time.monotonic() + WARM_UP_SECONDS + args.seconds
    pool = ThreadPoolExecutor(len(listeners))
    loop = asyncio.get_running_loop()
    plays = [
        loop.run_in_executor(
            pool, listener.play, args.change_every * i / len(listeners), args.change_every, until
        )
        for i, listener in enumerate(listeners)
    ]
    await asyncio.sleep(WARM_UP_SECONDS)
    room.measuring = True
    window = time.monotonic()
    await asyncio.gather(*plays)
    room.measuring = False
    window = time.monotonic() - window
    pool.shutdown()
    closed_early = room.closed
    for start in range(0, len(sockets), 50):
        await asyncio.gather(*(socket.close() for socket in sockets[start : start + 50]))
    await asyncio.gather(*readers, return_exceptions=True)
    per_socket = {
        kind: [counts[kind] / window for counts in room.counts]
        for kind in ("presence.changed", "now_playing.changed")
    }
    reports = [latency for listener in listeners for latency in listener.latencies]
    return {
        "sockets": args.sockets,
        "listeners": len(listeners),
        "window_s": window,
        "connect_s": connect_seconds,
        "retried": len(retries),
        "presence_per_s": sum(per_socket["presence.changed"]) / len(sockets),
        "now_playing_per_s": sum(per_socket["now_playing.changed"]) / len(sockets),
        "now_playing_max_per_s": max(per_socket["now_playing.changed"]),
        "changes": sum(listener.changes for listener in listeners),
        "latency_p50_ms": percentile(room.latencies, 50) * 1000 if room.latencies else 0,
        "latency_p99_ms": percentile(room.latencies, 99) * 1000 if room.latencies else 0,
        "latency_max_ms": max(room.latencies, default=0) * 1000,
        "deliveries": len(room.latencies),
        "report_p50_ms": percentile(reports, 50) * 1000,
        "report_p99_ms": percentile(reports, 99) * 1000,
        "reports_per_s": len(reports) / (WARM_UP_SECONDS + args.seconds),
        "report_failures": sum(listener.failures for listener in listeners),
        "closed_early": closed_early,
    }


def report(row: dict, command: str, database: str, load: float) -> str:
    return "\n".join(
        [
            "## Presence and now playing in a crowded room (`bench/presence.py`)",
            "",
            f"Command: `{command}` — the stack started by the benchmark with two gateways "
            f"(`GATEWAY_INSTANCES=2`, {database}, local RabbitMQ); {row['sockets']} sockets in one "
            "room asking `?with=presence,now_playing`, spread evenly over both gateways and over "
            f"{row['listeners']} users, who are also the listeners: each reports progress every "
            "second (`POST /Sessions/Playing/Progress`, a position that only advances) and pauses or "
            "resumes every `--change-every` seconds, staggered. *msg/s per socket* is what each "
            f"socket received per second over the {row['window_s']:.0f} s window (after a "
            f"{WARM_UP_SECONDS:.0f} s warm-up); *now_playing latency* runs from a changed entry's "
            "`updated_at` (its report time) to a socket having it, over every socket and change, so "
            "it includes the gathering of up to one second per room. The clients run on the same two "
            f"cores as the stack. Load average when the run began: {load:.1f}.",
            "",
            "| sockets | listeners | pause/resume changes | presence.changed/s per socket | "
            "now_playing.changed/s per socket (max) | now_playing latency p50 / p99 / max ms | "
            "deliveries | progress report p50 / p99 ms | reports/s | failed reports | "
            "closed early | connect s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
            f"| {row['sockets']} | {row['listeners']} | {row['changes']} | "
            f"{row['presence_per_s']:.2f} | {row['now_playing_per_s']:.2f} "
            f"({row['now_playing_max_per_s']:.2f}) | {row['latency_p50_ms']:.0f} / "
            f"{row['latency_p99_ms']:.0f} / {row['latency_max_ms']:.0f} | {row['deliveries']} | "
            f"{row['report_p50_ms']:.0f} / {row['report_p99_ms']:.0f} | "
            f"{row['reports_per_s']:.0f} | {row['report_failures']} | {row['closed_early']} | "
            f"{row['connect_s']:.1f} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--listeners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--change-every", type=float, default=20)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--no-write", action="store_true", help="leave RESULTS.md alone")
    args = parser.parse_args()
    command = (
        f"{COMMAND} --sockets {args.sockets} --listeners {args.listeners} --seconds "
        f"{args.seconds:g} --change-every {args.change_every:g} --database {args.database}"
    )
    print(command, flush=True)
    file_limit = raise_open_files()
    if file_limit < 2 * args.sockets + 1000:
        sys.exit(f"open files limit {file_limit} is too low for {args.sockets} sockets")
    run_id = secrets.token_hex(4)
    names = {svc: f"setlist_bench_{run_id}_{svc}" for svc in SERVICES}
    databases = {}
    if args.database == "postgresql":
        created = create_databases(names)
        databases = {f"{svc.upper()}_DATABASE_URL": url for svc, url in created.items()}
    load = os.getloadavg()[0]
    try:
        row = run(args, databases)
    finally:
        if databases:
            drop_databases(names)
    text = report(row, command, args.database, load)
    print(text)
    if not args.no_write:
        write_section("presence", text)


def run(args: argparse.Namespace, databases: dict[str, str]) -> dict:
    """The room, its listeners and sockets on a stack of its own; the measured row."""
    with gateways_stack(GATEWAYS, databases) as (stack, gateways):
        token = stack.create_user("bench", "bench-password", admin=True)
        admin_api = Api(stack.url, token)
        event_id = new_event(
            admin_api, new_organizer(admin_api, "bench"), "presence", is_public=True
        )
        track = admin_api.post(
            "/api/v1/tracks/", {"name": "Bench", "duration": 3600, "resumable": True}
        ).json()
        admin = requests.Session()
        admin.headers["Authorization"] = f"Token {token}"
        with ThreadPoolExecutor(8) as pool:
            listeners = list(
                pool.map(
                    lambda i: Listener(stack.url, admin, i, track["uuid"]), range(args.listeners)
                )
            )
        # socket i is listener i mod L's, on gateway i mod 2
        urls = [
            room_url(
                gateways[i % GATEWAYS],
                event_id,
                f"token={quote(listeners[i % len(listeners)].token)}&with=presence,now_playing",
            )
            for i in range(args.sockets)
        ]
        return asyncio.run(measure(urls, listeners, args))


if __name__ == "__main__":
    main()
