"""The pretix events resource through the gateway, side by side with a real pretix server: list
(one page of 50 events), retrieve and create, with 1 and 16 concurrent clients.

Both sides get the same client code, the same request bodies and the same kind of credential (the
API token of a team with every permission on all events, in a fresh organizer):

- Setlist: by default the benchmark starts its own stack (as `make run` does: SQLite, the local
  RabbitMQ in a vhost of its own, one process per service) and stops it afterwards;
  ``--setlist-url URL --setlist-admin-token TOKEN`` uses a running one instead.
- pretix: by default the benchmark runs ``bench/pretix.sh`` (pretix from PyPI in its own venv,
  SQLite, gunicorn with pretix's documented 2 workers, DEBUG off) on a free port and stops it
  afterwards; ``--pretix-url URL --pretix-organizer ORG --pretix-token TOKEN`` uses a running one;
  ``--no-pretix`` measures Setlist alone. When pretix cannot be installed or started, the command
  and its error are written into the results instead of its figures.

Run from the project root:

    .venv/bin/python bench/events.py [--requests 400] [--concurrency 1 16]
"""

from __future__ import annotations

import setlist  # noqa: F401 - quiets eventlet's deprecation notice

# isort: split
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any

import requests  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.lean import Connection, CpuMeter, cpu_cell  # noqa: E402
from bench.results import run, write_section  # noqa: E402
from tests.support.infrastructure import (
    Stack,
    create_vhost,
    delete_vhost,  # noqa: E402
    free_port,
)

HERE = Path(__file__).resolve().parent
COMMAND = "python bench/events.py"
EVENTS_IN_LIST = 50
PRETIX_STARTUP_SECONDS = 180
#: the seed's create example; the seed's "pretix.plugins.paypal" is refused by pretix 2026
#: ("Unknown plugin"), so both sides get two plugins that both know
BODY = {
    "name": {"en": "Sample Conference"},
    "live": False,
    "testmode": False,
    "currency": "EUR",
    "date_from": "2017-12-27T10:00:00Z",
    "date_to": None,
    "date_admission": None,
    "is_public": False,
    "presale_start": None,
    "presale_end": None,
    "seating_plan": None,
    "seat_category_mapping": {},
    "location": None,
    "geo_lat": None,
    "geo_lon": None,
    "has_subevents": False,
    "meta_data": {},
    "plugins": ["pretix.plugins.stripe", "pretix.plugins.banktransfer"],
}


class Unavailable(Exception):
    """A server could not be set up; the message says which command failed and how."""


@dataclass
class Target:
    """One server under test: where its organizer's events are and which token to send."""

    name: str
    url: str
    organizer: str
    token: str
    meter: CpuMeter | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def events(self) -> str:
        return f"{self.url}/api/v1/organizers/{self.organizer}/events/"

    @property
    def events_path(self) -> str:
        return f"/api/v1/organizers/{self.organizer}/events/"

    def connection(self) -> Connection:
        return Connection(self.url, {"Authorization": f"Token {self.token}"})

    def session(self) -> requests.Session:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {self.token}"
        return session


def _expect(target: Target, answer: tuple[int, bytes], status: int) -> bool:
    """A response other than `status` is counted (and its first ones kept), not raised."""
    if answer[0] != status:
        target.failures.append(f"{answer[0]} {answer[1][:200]!r}")
    return answer[0] == status


def create_events(target: Target, prefix: str, count: int) -> None:
    session = target.session()
    for number in range(count):
        response = session.post(
            target.events, json={**BODY, "slug": f"{prefix}{number:02d}"}, timeout=60
        )
        if response.status_code != 201:
            raise Unavailable(
                f"{target.name}: creating the listed events failed: "
                f"{response.status_code} {response.text[:300]}"
            )


def list_calls(target: Target, clients: int) -> list[Callable[[], object]]:
    def client() -> Callable[[], object]:
        connection = target.connection()

        def call() -> None:
            answer = connection.request("GET", target.events_path)
            if (
                _expect(target, answer, 200)
                and len(results := json.loads(answer[1])["results"]) != EVENTS_IN_LIST
            ):
                target.failures.append(f"list of {len(results)} events")

        return call

    return [client() for _ in range(clients)]


def retrieve_calls(target: Target, clients: int) -> list[Callable[[], object]]:
    def client(offset: int) -> Callable[[], object]:
        connection, numbers = target.connection(), itertools.count(offset)

        def call() -> None:
            slug = f"ev{next(numbers) % EVENTS_IN_LIST:02d}"
            _expect(target, connection.request("GET", f"{target.events_path}{slug}/"), 200)

        return call

    return [client(offset) for offset in range(clients)]


def create_calls(target: Target, clients: int) -> list[Callable[[], object]]:
    def client(index: int) -> Callable[[], object]:
        connection, numbers = target.connection(), itertools.count()

        def call() -> None:
            slug = f"c{clients}-{index}-{next(numbers)}"
            _expect(
                target, connection.request("POST", target.events_path, {**BODY, "slug": slug}), 201
            )

        return call

    return [client(index) for index in range(clients)]


OPERATIONS = (
    ("list (page of 50)", "GET …/events/", list_calls),
    ("retrieve", "GET …/events/<slug>/", retrieve_calls),
    ("create", "POST …/events/", create_calls),
)


# Setlist ----------------------------------------------------------------------------------------
def setlist_target(url: str, admin_token: str, meter: CpuMeter | None) -> Target:
    """A fresh organizer with an all-permissions team; its team token, as on the pretix side."""
    admin = requests.Session()
    admin.headers["Authorization"] = f"Token {admin_token}"
    organizer = f"bench-{secrets.token_hex(4)}"

    def post(path: str, body: dict) -> dict:
        response = admin.post(f"{url}/api/v1/organizers/{path}", json=body, timeout=60)
        if response.status_code != 201:
            raise Unavailable(
                f"Setlist: POST {path} answered {response.status_code} {response.text[:300]}"
            )
        return response.json()

    post("", {"slug": organizer, "name": organizer})
    team = post(
        f"{organizer}/teams/",
        {
            "name": "bench",
            "all_events": True,
            "can_create_events": True,
            "can_change_event_settings": True,
            "can_change_teams": True,
        },
    )["id"]
    token = post(f"{organizer}/teams/{team}/tokens/", {"name": "bench"})["token"]
    return Target("Setlist", url, organizer, token, meter)


@contextmanager
def own_setlist() -> Iterator[tuple[str, str, Path]]:
    """A stack of our own (as bench/rpc.py starts it): (url, admin token, its pid files' folder)."""
    vhost = f"setlist-bench-{secrets.token_hex(4)}"
    create_vhost(vhost)
    workdir = Path(tempfile.mkdtemp(prefix="setlist-bench-"))
    stack = Stack(
        {"AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "SETLIST_VAR": str(workdir)},
        workdir / "stack.log",
    )
    try:
        stack.start()
        yield (
            stack.url,
            stack.create_user("bench", "bench-password", admin=True),
            stack.run_folder(),
        )
    finally:
        stack.stop()
        delete_vhost(vhost)


# pretix -----------------------------------------------------------------------------------------
def _pretix_step(step: str, env: dict[str, str]) -> str:
    command = ["bash", str(HERE / "pretix.sh"), step]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        raise Unavailable(f"`bench/pretix.sh {step}` did not finish in 30 minutes") from None
    if done.returncode != 0:
        raise Unavailable(
            f"`bench/pretix.sh {step}` exited {done.returncode}:\n"
            f"{(done.stderr or done.stdout).strip()[-1500:]}"
        )
    return done.stdout.strip()


@contextmanager
def own_pretix() -> Iterator[Target]:
    """bench/pretix.sh: install (once), set up a fresh organizer and token, serve on a free port."""
    port = free_port()
    env = {**os.environ, "PRETIX_PORT": str(port)}
    _pretix_step("install", env)
    organizer, token = _pretix_step("setup", env).splitlines()[-1].split()
    log_path = Path(os.environ.get("PRETIX_DATA", HERE / ".pretix")) / "serve.log"  # as pretix.sh
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            ["bash", str(HERE / "pretix.sh"), "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    target = Target(
        "pretix",
        f"http://127.0.0.1:{port}",
        organizer,
        token,
        CpuMeter(None, process_groups={"pretix (gunicorn)": server.pid}),
    )
    try:
        _wait_for(target, server, log_path)
        yield target
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def _wait_for(target: Target, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + PRETIX_STARTUP_SECONDS
    session = target.session()
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Unavailable(
                f"`bench/pretix.sh serve` exited {server.returncode}:\n"
                f"{log_path.read_text(errors='replace')[-1500:]}"
            )
        try:
            if session.get(target.events, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise Unavailable(f"pretix did not answer {target.events} in {PRETIX_STARTUP_SECONDS} s")


# the run ----------------------------------------------------------------------------------------
def measure(targets: list[Target], requests_per_row: int, concurrency: list[int]) -> list[dict]:
    """Every operation at every concurrency on each target in turn (creates last, so that the
    list stays at the 50 events made first)."""
    rows = []
    for (what, request, calls), clients in itertools.product(OPERATIONS, concurrency):
        row: dict[str, Any] = {"what": what, "request": request, "clients": clients}
        for target in targets:
            target.failures.clear()
            row[target.name] = run(calls(target, clients), requests_per_row, target.meter)
            row[target.name]["failures"] = list(target.failures)
            print(
                f"{target.name:8} {what:18} {clients:3} clients: "
                f"p50 {row[target.name]['p50_ms']:.1f} ms, "
                f"{row[target.name]['per_s']:.0f}/s, {len(target.failures)} failed",
                flush=True,
            )
        rows.append(row)
    return rows


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "–"


def report(
    rows: list[dict], command: str, requests_per_row: int, pretix: str | None, load: float
) -> str:
    lines = [
        "## pretix events resource: Setlist and pretix side by side (`bench/events.py`)",
        "",
        f"Command: `{command}` — {requests_per_row} requests per row and server, "
        f"{EVENTS_IN_LIST} events in the organizer (the list is one full page). Setlist: the "
        "stack started by the benchmark (SQLite, local RabbitMQ, one process per service, "
        "through the gateway). pretix 2026.8.0 from PyPI in its own venv, started by "
        "`bench/pretix.sh` (SQLite, gunicorn with pretix's documented command: 2 sync "
        "workers, each restarted after about 1200 requests; DEBUG off, no Redis or Celery). "
        "Same client code, bodies and team API token on both sides; the clients are green "
        "threads in the benchmark's process, each on a raw keep-alive socket "
        "(`bench/lean.py`; gunicorn's sync workers close after every answer, so the pretix "
        "side reconnects each time). Each row runs on Setlist, then on pretix.",
        "",
        f"The machine has 2 cores, shared with other developers' test runs while this ran "
        f"(load average {load:.1f} when it started): treat the figures as rough. "
        "Runs differ by up to 2× per figure here: compare the ratios within one run. "
        "pretix's own documentation wants PostgreSQL in production; SQLite is used on both "
        "sides as asked. Ratio = Setlist / pretix: below 1 is better for latency, above 1 "
        "is better for requests/s.",
        "",
    ]
    if pretix is not None:
        lines += ["**pretix could not be measured:**", "", "```", pretix, "```", ""]
    lines += [
        "| operation | clients | Setlist p50 ms | pretix p50 ms | ratio | Setlist p99 ms | "
        "pretix p99 ms | ratio | Setlist req/s | pretix req/s | ratio | failed S/p |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    empty = {"p50_ms": 0.0, "p99_ms": 0.0, "per_s": 0.0, "failures": []}
    for row in rows:
        ours, theirs = row["Setlist"], row.get("pretix", empty)
        cells = [f"{row['what']} `{row['request']}`", str(row["clients"])]
        for key, unit in (("p50_ms", ".1f"), ("p99_ms", ".1f"), ("per_s", ".0f")):
            cells += [
                format(ours[key], unit),
                format(theirs[key], unit) if theirs is not empty else "–",
                _ratio(ours[key], theirs[key]),
            ]
        cells.append(
            f"{len(ours['failures'])}/{len(theirs['failures']) if theirs is not empty else '–'}"
        )
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "CPU ms per request, each process's user + system time from /proc over the row "
        "divided by the requests (`rabbitmq (shared)`: the whole broker, which other work "
        "on the machine may use too; pretix: gunicorn's master and workers):",
        "",
        "| operation | clients | Setlist: **server** = per process; client | "
        "pretix: **server** = per process; client |",
        "|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            cpu_cell(row[name]["cpu"]) if "cpu" in row.get(name, {}) else "–"
            for name in ("Setlist", "pretix")
        ]
        lines.append(f"| {row['what']} | {row['clients']} | {cells[0]} | {cells[1]} |")
    failures = [
        (name, row["what"], row["clients"], row[name]["failures"][0])
        for row in rows
        for name in ("Setlist", "pretix")
        if name in row and row[name]["failures"]
    ]
    if failures:
        lines += ["", "First failure of each row that had any:", ""]
        lines += [
            f"- {name}, {what}, {clients} clients: `{first}`"
            for name, what, clients, first in failures
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--setlist-url")
    parser.add_argument("--setlist-admin-token")
    parser.add_argument("--pretix-url")
    parser.add_argument("--pretix-organizer")
    parser.add_argument("--pretix-token")
    parser.add_argument("--no-pretix", action="store_true")
    args = parser.parse_args()
    if args.setlist_url and not args.setlist_admin_token:
        parser.error("--setlist-url needs --setlist-admin-token")
    if args.pretix_url and not (args.pretix_organizer and args.pretix_token):
        parser.error("--pretix-url needs --pretix-organizer and --pretix-token")
    command = f"{COMMAND} --requests {args.requests} --concurrency " + " ".join(
        map(str, args.concurrency)
    )
    print(f"Command: {command}", flush=True)

    load = os.getloadavg()[0]
    with ExitStack() as running:
        if args.setlist_url:
            url, admin_token = args.setlist_url.rstrip("/"), args.setlist_admin_token
            meter = None
        else:
            url, admin_token, run_folder = running.enter_context(own_setlist())
            meter = CpuMeter(run_folder)
        targets = [setlist_target(url, admin_token, meter)]
        create_events(targets[0], "ev", EVENTS_IN_LIST)
        pretix_problem = None
        if args.no_pretix:
            pretix_problem = "Not asked for (`--no-pretix`)."
        elif args.pretix_url:
            targets.append(
                Target(
                    "pretix", args.pretix_url.rstrip("/"), args.pretix_organizer, args.pretix_token
                )
            )
            create_events(targets[1], "ev", EVENTS_IN_LIST)
        else:
            try:
                pretix = running.enter_context(own_pretix())
                create_events(pretix, "ev", EVENTS_IN_LIST)
                targets.append(pretix)
            except Unavailable as exc:
                pretix_problem = str(exc)
                print(f"pretix unavailable: {exc}", file=sys.stderr)
        rows = measure(targets, args.requests, args.concurrency)

    text = report(rows, command, args.requests, pretix_problem, load)
    print(text)
    write_section("events", text)


if __name__ == "__main__":
    main()
