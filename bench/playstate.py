"""Sustained playback progress reports through the gateway (``POST /Sessions/Playing/Progress``,
the hot path of playstate) with 1, 16 and 64 concurrent players: reports per second, p50/p99
latency, and a check that no update is lost (each player's final stored position equals the last
position it reported).

Each player is its own user (logged in with AuthenticateByName from its own device) playing its own
hour-long resumable track, reporting positions one after another, as a real player does. It starts
its own stack (as `make run` does, in a RabbitMQ vhost of its own, on PostgreSQL or SQLite) and stops
it afterwards. Run from the project root:

    .venv/bin/python bench/playstate.py [--reports 2000] [--players 1 16 64] [--database postgresql]
"""

from __future__ import annotations

import setlist  # noqa: F401 - quiets eventlet's deprecation notice

# isort: split
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import requests  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.lean import Connection, CpuMeter, cpu_cell  # noqa: E402
from bench.results import run, write_section  # noqa: E402
from tests.support.infrastructure import (  # noqa: E402
    ROOT,
    Stack,
    create_databases,
    create_vhost,
    delete_vhost,
    drop_databases,
)

COMMAND = "python bench/playstate.py"
SERVICES = ("accounts", "events", "playstate")
FIRST_POSITION = 2_000_000_000  # ticks: 5.6 % of an hour, so every position is kept to resume
STEP = 1_000_000  # 0.1 s


class Player:
    """One user on one device playing one track, reporting its position after each step."""

    def __init__(self, url: str, admin: requests.Session, index: int) -> None:
        self.url = url
        name, password = f"player-{index}-{secrets.token_hex(3)}", secrets.token_hex(8)
        created = admin.post(f"{url}/Users/New", json={"Name": name, "Password": password})
        assert created.status_code == 200, created.text
        self.http = requests.Session()
        device = (
            f'MediaBrowser Client="bench", Device="bench", DeviceId="bench-{index}", Version="1.0"'
        )
        login = self._login(name, password, device)
        self.http.headers["Authorization"] = f'{device}, Token="{login.json()["AccessToken"]}"'
        self.lean = Connection(url, {"Authorization": str(self.http.headers["Authorization"])})
        self.user_id = login.json()["User"]["Id"]
        track = admin.post(
            f"{url}/api/v1/tracks/", json={"name": name, "duration": 3600, "resumable": True}
        )
        assert track.status_code == 201, track.text
        self.item_id = track.json()["uuid"]
        self.position = FIRST_POSITION
        started = self.http.post(
            f"{url}/Sessions/Playing", json={"ItemId": self.item_id, "PlaySessionId": "bench"}
        )
        assert started.status_code == 204, started.text

    def _login(self, name: str, password: str, device: str) -> requests.Response:
        login = self.http.post(
            f"{self.url}/Users/AuthenticateByName",
            json={"Username": name, "Pw": password},
            headers={"Authorization": device},
        )
        assert login.status_code == 200, login.text
        return login

    def report(self) -> None:
        self.position += STEP
        self.lean.expect(
            204,
            "POST",
            "/Sessions/Playing/Progress",
            {
                "ItemId": self.item_id,
                "PlaySessionId": "bench",
                "PositionTicks": self.position,
                "IsPaused": False,
                "PlayMethod": "DirectPlay",
            },
        )

    def stored_position(self) -> int:
        response = self.http.get(f"{self.url}/Users/{self.user_id}/Items/{self.item_id}/UserData")
        self.lean.close()
        position: int = response.json()["PlaybackPositionTicks"]
        return position


def database_names(database: str, run_id: str) -> dict[str, str]:
    """The PostgreSQL database of each service (none on SQLite)."""
    if database == "sqlite":
        return {}
    return {svc: f"setlist_bench_{run_id}_{svc}" for svc in SERVICES}


def stack_environment(database: str, run_id: str) -> tuple[dict, Callable]:
    """The stack's database settings, and how to drop its databases afterwards."""
    names = database_names(database, run_id)
    if not names:
        return {}, lambda: None
    urls = create_databases(names)
    return (
        {f"{svc.upper()}_DATABASE_URL": url for svc, url in urls.items()},
        lambda: drop_databases(names),
    )


@contextmanager
def progress_stack(database: str, root: Path = ROOT) -> Iterator[tuple[Stack, CpuMeter]]:
    """A started stack running the tree at `root` (as `make run` does, in a RabbitMQ vhost of its
    own, on `database`), and a meter of its processes; stopped and cleaned up afterwards."""
    run_id = secrets.token_hex(4)
    vhost = f"setlist-bench-{run_id}"
    create_vhost(vhost)
    workdir = Path(tempfile.mkdtemp(prefix="setlist-bench-"))
    databases, drop = stack_environment(database, run_id)
    env = {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        "SETLIST_VAR": str(workdir),
        **databases,
    }
    stack = Stack(env, workdir / "stack.log", root=root)
    try:
        stack.start()
        yield stack, CpuMeter(stack.run_folder(), database_names(database, run_id))
    finally:
        stack.stop()
        delete_vhost(vhost)
        drop()


def admin_session(stack: Stack) -> requests.Session:
    """A session of a new administrator of `stack`, who creates the players."""
    admin = requests.Session()
    admin.headers["Authorization"] = f"Token {stack.create_user('admin', 'pw', admin=True)}"
    return admin


def lost_updates(players: list[Player]) -> int:
    """Players whose stored position is not the last one they reported."""
    return sum(player.stored_position() != player.position for player in players)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports per row")
    parser.add_argument("--players", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    command = (
        f"{COMMAND} --reports {args.reports} --players "
        f"{' '.join(map(str, args.players))} --database {args.database}"
    )
    print(f"Command: {command}", flush=True)

    rows = []
    load = os.getloadavg()[0]
    with progress_stack(args.database) as (stack, meter):
        admin = admin_session(stack)
        for count in args.players:
            players = [Player(stack.url, admin, index) for index in range(count)]
            figures = run([player.report for player in players], args.reports, meter)
            rows.append((count, figures, lost_updates(players)))

    lines = [
        "## Playback progress reports (`bench/playstate.py`)",
        "",
        f"Command: `{command}` — {args.reports} reports per row through the gateway "
        "(`POST /Sessions/Playing/Progress`, each player its own user, device and track, "
        f"reporting one position after another), the stack started by the benchmark "
        f"({args.database}, local RabbitMQ, one process per service). Lost updates: players "
        "whose stored position is not the last one they reported. Load average of the machine when "
        f"the run began: {load:.1f} (other work shares its cores). The client: one green "
        "thread per player on a raw keep-alive socket (`bench/lean.py`). CPU ms per report: "
        "each process's user + system time from /proc over the row, divided by the reports "
        "(`postgresql X`: the backends of service X's database; `rabbitmq (shared)`: the "
        "whole broker, which other work on the machine may use too).",
        "",
        "| concurrent players | reports/s | p50 ms | p99 ms | mean ms | lost updates | "
        "CPU ms per report: **server** = per process; client |",
        "|---|---|---|---|---|---|---|",
    ]
    for count, figures, lost in rows:
        lines.append(
            f"| {count} | {figures['per_s']:.0f} | {figures['p50_ms']:.2f} | "
            f"{figures['p99_ms']:.2f} | {figures['mean_ms']:.2f} | {lost} | "
            f"{cpu_cell(figures['cpu'])} |"
        )
    report = "\n".join(lines)
    print(report)
    write_section(f"playstate-{args.database}", report)
    if any(lost for _, _, lost in rows):
        sys.exit("lost updates: see the table above")


if __name__ == "__main__":
    main()
