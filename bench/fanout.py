"""Event-room fan-out: N websockets in one room, spread over two gateways; how long an `add_track`
takes to reach the last of them, how much gateway memory an idle socket costs and how much
gateway CPU each delivered message.

For each N it starts its own stack with two gateways (as `GATEWAY_INSTANCES=2 make run` does:
SQLite, the local RabbitMQ, in a vhost of its own), so that memory is measured on fresh gateways,
and stops it afterwards. Run from the project root:

    .venv/bin/python bench/fanout.py [--sockets 1000 5000 10000] [--rounds 20] [--readers 2]

Each round one socket sends `add_track` (then `remove_track`, so the playlist and the message stay
small); the round's time runs from that send to the moment the last of the N sockets has read the
resulting `playlist.changed`. The N sockets are read by a lean client (`bench/lean_websocket.py`:
raw sockets under epoll in `--readers` processes, frames parsed by their header, no JSON
decoding) on the same two cores as the stack.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.lean import TICKS_PER_SECOND, CpuMeter, cpu_ticks, per_request_ms  # noqa: E402
from bench.lean_websocket import Readers, Sender  # noqa: E402
from bench.results import percentile, write_section  # noqa: E402
from bench.stack import gateways_stack  # noqa: E402
from setlist.limits import raise_open_files  # noqa: E402
from tests.support.accounts import new_organizer  # noqa: E402
from tests.support.client import Api  # noqa: E402
from tests.support.infrastructure import Stack  # noqa: E402
from tests.support.rooms import new_event, room_url  # noqa: E402

COMMAND = "python bench/fanout.py"
GATEWAYS = 2
ROUND_SECONDS = 60
WARM_UP_ROUNDS = 6
#: the one bench user holds every socket: the per-user cap (20 per gateway process) is lifted
SETTINGS = {"ROOM_SOCKETS_PER_USER": "1000000"}
#: seconds the gateways get after the last handshake before their memory is read
SETTLE_SECONDS = 2.0


def rss_bytes(pids: list[int | None]) -> int:
    total = 0
    for pid in pids:
        if pid is None:
            raise RuntimeError("a gateway has no pid file")
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def readers_cpu(readers: Readers) -> float:
    """CPU seconds the reader processes have spent (CpuMeter counts the main process only)."""
    return sum(cpu_ticks(pid) or 0 for pid in readers.pids) / TICKS_PER_SECOND


def one_round(
    sender: Sender, readers: Readers, action: str, track_id: int
) -> tuple[dict[str, list[float]], int, list[int]]:
    """Delays (seconds) of every socket's copy of the action's broadcast by gateway URL, how many
    open sockets missed it, and the close codes of sockets the gateways closed so far."""
    sent, revision = sender.send(action, {"track_id": track_id})
    arrivals, open_count, closed = readers.arrivals(revision, ROUND_SECONDS)
    delays: dict[str, list[float]] = {}
    for arrival, url in arrivals:
        delays.setdefault(url, []).append(arrival - sent)
    return delays, open_count - len(arrivals), closed


def measure(stack: Stack, gateways: list[str], count: int, args: argparse.Namespace) -> dict:
    urls, track_id = prepare_room(stack, gateways)
    pids = [stack.pid(f"gateway.{index + 1}") for index in range(GATEWAYS)]
    before = rss_bytes(pids)
    readers = Readers(urls, count, args.readers)
    connect_seconds, retried = readers.opened()
    sender = Sender(urls[0])
    time.sleep(SETTLE_SECONDS)
    after = rss_bytes(pids)
    try:
        # warm-up: the playlist then holds the track, and every socket has had a broadcast
        for attempt in range(WARM_UP_ROUNDS):
            action = "add_track" if attempt % 2 == 0 else "remove_track"
            _, missing, _ = one_round(sender, readers, action, track_id)
            if not missing and attempt % 2 == 0:
                break
        meter = CpuMeter(stack.run_folder())
        meter.start()
        readers_before = readers_cpu(readers)
        first: list[float] = []
        last: list[float] = []
        each: list[float] = []
        last_by_gateway: list[list[float]] = [[] for _ in urls]
        missed, closed = 0, list[int]()
        for index in range(args.rounds):
            action = "remove_track" if index % 2 == 0 else "add_track"
            delays, missing, closed = one_round(sender, readers, action, track_id)
            missed += missing
            everyone = [delay for url in urls for delay in delays.get(url, [])]
            if everyone:
                first.append(min(everyone))
                last.append(max(everyone))
                each += everyone
            for gateway, url in enumerate(urls):
                if delays.get(url):
                    last_by_gateway[gateway].append(max(delays[url]))
        seconds = meter.stop()
        seconds["client"] += readers_cpu(readers) - readers_before
        cpu = per_request_ms(seconds, max(1, len(each)))
    finally:
        sender.close()
        readers.stop()
    return {
        "sockets": count,
        "rounds": args.rounds,
        "connect_s": connect_seconds,
        "first_p50_ms": percentile(first, 50) * 1000,
        "last_p50_ms": percentile(last, 50) * 1000,
        "gateways_last_p99_ms": [percentile(times, 99) * 1000 for times in last_by_gateway],
        "last_p99_ms": percentile(last, 99) * 1000,
        "last_max_ms": max(last) * 1000,
        "each_p50_ms": percentile(each, 50) * 1000,
        "each_p99_ms": percentile(each, 99) * 1000,
        "per_s": len(each) / sum(last),
        "missed": missed,
        "closed_early": len(closed),
        "rss_per_socket_kib": (after - before) / count / 1024,
        "rss_before_mib": before / 2**20,
        "rss_after_mib": after / 2**20,
        "retried": retried,
        "gateway_us": cpu.get("gateway", 0.0) * 1000,
        "server_us": cpu["server"] * 1000,
        "client_us": cpu.get("client", 0.0) * 1000,
    }


def prepare_room(stack: Stack, gateways: list[str]) -> tuple[list[str], int]:
    """An administrator's event: its room's URL on each gateway (with the token), and a
    catalogue track."""
    token = stack.create_user("bench", "bench-password", admin=True)
    admin = Api(stack.url, token)
    event_id = new_event(admin, new_organizer(admin, "bench"), "fanout")
    track = admin.post("/api/v1/tracks/", {"name": "Bench track"})
    assert track.status_code == 201, track.text
    urls = [room_url(url, event_id, f"token={quote(token)}") for url in gateways]
    return urls, track.json()["id"]


def report(rows: list[dict], command: str, file_limit: int, readers: int) -> str:
    lines = [
        "## Event-room fan-out (`bench/fanout.py`)",
        "",
        f"Command: `{command}` — for each row a stack started by the benchmark with two "
        "gateways (`GATEWAY_INSTANCES=2`, SQLite, local RabbitMQ; `ROOM_SOCKETS_PER_USER` "
        "lifted, one user holds every socket), the sockets spread evenly over both; open files "
        f"limit {file_limit}. The client is lean (`bench/lean_websocket.py`: raw sockets under "
        f"epoll in {readers} processes, no JSON decoding) on the same two cores as the stack. "
        "*last* is, per round, the time from sending `add_track`/`remove_track` over one socket "
        "to the last socket reading `playlist.changed`, *first* to the first one (what the "
        "action's way through events and realtime takes before any fan-out), *per gateway* the "
        "last p99 of each gateway's sockets alone; *each* is every single delivery; "
        "msg/s is deliveries per second of round time. *KiB/socket* is the gateways' RSS "
        f"growth per idle socket, read {SETTLE_SECONDS:.0f} s after the last handshake on "
        "gateways started for the row. *connect s* is the time to open every socket (50 "
        "handshakes under way per reader process; *retried* counts those refused with 503 and "
        "tried again). CPU is per delivered message over the measured rounds, from /proc "
        "(`bench/lean.py`'s CpuMeter): the two gateways, every process of the stack "
        "(gateways, services, RabbitMQ), and the client.",
        "",
        "| sockets | rounds | first p50 ms | last p50 ms | last p99 ms | last max ms | "
        "per gateway last p99 ms | each p50 ms | each p99 ms | msg/s | missed | closed early | "
        "KiB/socket | gateways RSS MiB | connect s | retried | gateways µs/msg | "
        "stack µs/msg | client µs/msg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['sockets']} | {row['rounds']} | {row['first_p50_ms']:.0f} | "
            f"{row['last_p50_ms']:.0f} | {row['last_p99_ms']:.0f} | {row['last_max_ms']:.0f} | "
            f"{' / '.join(f'{ms:.0f}' for ms in row['gateways_last_p99_ms'])} | "
            f"{row['each_p50_ms']:.0f} | "
            f"{row['each_p99_ms']:.0f} | {row['per_s']:.0f} | {row['missed']} | "
            f"{row['closed_early']} | {row['rss_per_socket_kib']:.1f} | "
            f"{row['rss_before_mib']:.0f} → {row['rss_after_mib']:.0f} | {row['connect_s']:.1f} | "
            f"{row['retried']} | {row['gateway_us']:.1f} | {row['server_us']:.1f} | "
            f"{row['client_us']:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--readers", type=int, default=2, help="client reader processes")
    args = parser.parse_args()
    command = (
        f"{COMMAND} --sockets {' '.join(map(str, args.sockets))} --rounds {args.rounds} "
        f"--readers {args.readers}"
    )
    print(command, flush=True)
    file_limit = raise_open_files()
    # each process holds its own share: a reader its sockets, a gateway half of them
    if file_limit < max(args.sockets) / min(args.readers, GATEWAYS) + 1000:
        sys.exit(f"open files limit {file_limit} is too low for {max(args.sockets)} sockets")

    rows = []
    for count in args.sockets:
        with gateways_stack(GATEWAYS, settings=SETTINGS) as (stack, gateways):
            rows.append(measure(stack, gateways, count, args))
        print(report(rows[-1:], command, file_limit, args.readers).splitlines()[-1], flush=True)

    text = report(rows, command, file_limit, args.readers)
    print(text)
    print(f"\n{command}")
    write_section("fanout", text)


if __name__ == "__main__":
    main()
