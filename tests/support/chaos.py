"""Chaos tests' tools: steady load, waiting for /health, and holding a database lock.

The load is a few client loops, each sending one kind of request after another to the gateway until
told to stop, counting what every request got back and remembering each write the server
acknowledged, so that a test can check afterwards that none of them was lost.

A kind of request is a class with ``send(client)`` (one request, or None when it has nothing to
do yet) and ``verify(api)`` (what is wrong in the system now, given the acknowledged writes); add
one to ``Load(kinds=[...])`` to put it under the same load.

Every answer must be a success (2xx) or a clean 503 ("try again"); anything else — a 500, another
error, no answer within ``ANSWER_SECONDS`` — is recorded as a failure. A 503'd write may or may not
have been applied (the service may have done it after the gateway gave up), so only acknowledged
writes are checked.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import psycopg2
import requests

from tests.support.accounts import new_organizer, unique
from tests.support.client import Api
from tests.support.infrastructure import STARTUP_SECONDS, Stack
from tests.support.playstate import TICKS, new_track

#: no answer within this is a hang: several RPCs per request, each bounded by the RPC timeout
ANSWER_SECONDS = 60
PAUSE_SECONDS = 0.05
LOG = logging.getLogger(__name__)
Value = TypeVar("Value")


@dataclass
class Client:
    """One client loop: its HTTP session and the events it created (only it writes to those)."""

    api: Api
    number: int
    events: list[str] = field(default_factory=list)


class RequestKind(Protocol):
    def send(self, client: Client) -> requests.Response | None: ...

    def verify(self, api: Api) -> list[str]: ...


def since_last_acknowledged(sent: list[tuple[Value, bool]]) -> list[Value]:
    """What a series of writes (value, acknowledged), in order, may have left: the last acknowledged
    value or one sent after it that was applied but not answered; [] when none was acknowledged."""
    acknowledged = [index for index, (_, ok) in enumerate(sent) if ok]
    return [value for value, _ in sent[acknowledged[-1] :]] if acknowledged else []


class EventCreates:
    """POST of a new pretix event, with an idempotency key, as a client retrying safely would.

    Each slug and key is sent once. A create or idempotency claim that an events instance
    committed but could not acknowledge (killed, or the broker went away before its reply) is
    delivered again; it must be answered from the record of the first run (services/common/calls.py),
    so a 400 "slug already used" or a 409 "key in flight" here is a failure like any other.
    """

    def __init__(self, organizer: str) -> None:
        self.path = f"/api/v1/organizers/{organizer}/events/"
        self.acknowledged: set[str] = set()
        self.attempted: set[str] = set()
        self.lock = threading.Lock()

    def send(self, client: Client) -> requests.Response:
        slug = f"c{client.number}-{uuid.uuid4().hex[:10]}"
        body = {"name": {"en": slug}, "slug": slug, "date_from": "2030-01-01T10:00:00Z"}
        with self.lock:
            self.attempted.add(slug)
        response = client.api.post(self.path, body, headers={"X-Idempotency-Key": uuid.uuid4().hex})
        if response.ok:
            with self.lock:
                self.acknowledged.add(slug)
            client.events.append(slug)
        return response

    def verify(self, api: Api) -> list[str]:
        problems = []
        for slug in self.acknowledged:
            found = api.get(self.path + f"{slug}/")
            if found.status_code != 200:
                problems.append(f"created event {slug} is missing: {found.status_code}")
        listed = api.get(self.path).json()
        if listed["count"] > len(self.attempted):
            problems.append(f"{listed['count']} events for {len(self.attempted)} creates")
        return problems


class EventPatches:
    """PATCH of the name of one of the client's own events, with a new value each time."""

    def __init__(self, organizer: str) -> None:
        self.path = f"/api/v1/organizers/{organizer}/events/"
        self.sent: dict[str, list[tuple[str, bool]]] = {}  # slug → (value, acknowledged), in order
        self.lock = threading.Lock()

    def send(self, client: Client) -> requests.Response | None:
        if not client.events:
            return None
        slug = client.events[len(client.events) // 2]
        value = uuid.uuid4().hex[:12]
        response = client.api.patch(self.path + f"{slug}/", {"name": {"en": value}})
        with self.lock:
            self.sent.setdefault(slug, []).append((value, response.ok))
        return response

    def verify(self, api: Api) -> list[str]:
        problems = []
        for slug, sent in self.sent.items():
            allowed = since_last_acknowledged(sent)
            if not allowed:
                continue
            name = api.get(self.path + f"{slug}/").json()["name"]["en"]
            if name not in allowed:
                problems.append(
                    f"{slug} is named {name!r}, the acknowledged PATCH set {allowed[0]!r}"
                )
        return problems


@dataclass
class Player:
    """A user playing one long track on their own device: the positions they reported, in order,
    each with whether it was acknowledged."""

    api: Api
    user_id: str
    session: str
    started: bool = False
    sent: list[tuple[int, bool]] = field(default_factory=list)


class ProgressReports:
    """Jellyfin progress reports (API.md §3): each of the first ``players`` client loops plays the
    hour-long resumable ``track`` as a user of its own, a start (``POST /Sessions/Playing``), then
    progress (``POST /Sessions/Playing/Progress``) one second further each time, from 10 % — inside
    the 5-90 % range where the position is kept (services/playstate/rules.py).

    Afterwards each player's stored position is its last acknowledged one or a later 503'd one: a
    report is applied only if newer than the newest applied (the gateway's time of receipt), so an
    earlier report that was applied late cannot win.
    """

    RUNTIME_SECONDS = 3600
    FIRST = RUNTIME_SECONDS * TICKS // 10
    STEP = TICKS

    def __init__(self, url: str, admin: Api, players: int = 4) -> None:
        self.track = new_track(admin, self.RUNTIME_SECONDS, resumable=True)
        self.players = [self._player(url, admin, number) for number in range(players)]

    def _player(self, url: str, admin: Api, number: int) -> Player:
        name = unique(f"player{number}")
        created = admin.post("/Users/New", {"Name": name, "Password": name})
        assert created.status_code == 200, created.text
        device = f'MediaBrowser Client="chaos", Device="player", DeviceId="{name}", Version="1"'
        login = Api(url, headers={"Authorization": device}).post(
            "/Users/AuthenticateByName", {"Username": name, "Pw": name}
        )
        assert login.status_code == 200, login.text
        return Player(
            Api(url, headers={"X-Emby-Token": login.json()["AccessToken"]}, timeout=ANSWER_SECONDS),
            created.json()["Id"],
            uuid.uuid4().hex,
        )

    def send(self, client: Client) -> requests.Response | None:
        if client.number >= len(self.players):
            return None
        player = self.players[client.number]
        report = {"ItemId": self.track, "PlaySessionId": player.session, "CanSeek": True}
        if not player.started:  # a 503'd start does not matter: progress opens the session too
            player.started = True
            return player.api.post("/Sessions/Playing", {**report, "PositionTicks": self.FIRST})
        position = self.FIRST + len(player.sent) * self.STEP
        response = player.api.post(
            "/Sessions/Playing/Progress", {**report, "PositionTicks": position, "IsPaused": False}
        )
        player.sent.append((position, response.ok))
        return response

    def verify(self, api: Api) -> list[str]:
        problems = []
        for player in self.players:
            allowed = since_last_acknowledged(player.sent)
            if not allowed:
                continue
            stored = player.api.get(f"/Users/{player.user_id}/Items/{self.track}/UserData")
            if stored.status_code != 200 or stored.json()["PlaybackPositionTicks"] not in allowed:
                problems.append(
                    f"player {player.user_id} is at {stored.text}, its last "
                    f"acknowledged report was {allowed[0]}"
                )
        return problems


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Polls ``condition``; fails with "<what> within <seconds> s" when it stays false."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.2)


class Load:
    """``with Load(url, token, kinds) as load:`` — ``clients`` loops run until the block ends."""

    def __init__(self, url: str, token: str, kinds: list[RequestKind], clients: int = 8) -> None:
        self.url, self.token, self.kinds = url, token, kinds
        self.clients = clients
        self.outcomes: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # requests by kind
        self.started = self.seconds = 0.0
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> Load:
        self.started = time.monotonic()
        for number in range(self.clients):
            client = Client(Api(self.url, self.token, timeout=ANSWER_SECONDS), number)
            thread = threading.Thread(target=self._loop, args=(client,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.seconds = time.monotonic() - self.started
        LOG.info("load: %s in %.0f s (%s)", self.mix(), self.seconds, dict(self.outcomes))

    def mix(self) -> str:
        """Requests per second by kind, once the load has stopped."""
        return ", ".join(
            f"{name} {count / self.seconds:.1f}/s" for name, count in self.sent.items()
        )

    def _loop(self, client: Client) -> None:
        while not self.stopping.is_set():
            for kind in self.kinds:
                self._record(kind, client)
                time.sleep(PAUSE_SECONDS)

    def _record(self, kind: RequestKind, client: Client) -> None:
        name = type(kind).__name__
        failure: str | None
        try:
            response = kind.send(client)
        except requests.RequestException as exc:
            outcome, failure = "failed", f"{name}: no answer: {type(exc).__name__}: {exc}"
        else:
            if response is None:
                return
            if response.ok:
                outcome, failure = "acknowledged", None
            elif response.status_code == 503:
                outcome, failure = "unavailable", None
            else:
                outcome = "failed"
                failure = f"{name}: {response.status_code} {response.text[:300]}"
        with self.lock:
            self.outcomes[outcome] += 1
            self.sent[name] += 1
            if failure is not None:
                self.failures.append(failure)

    def wait_for_acknowledged(self, more: int, seconds: float = 120) -> None:
        """Waits until ``more`` further writes have been acknowledged."""
        target = self.outcomes["acknowledged"] + more
        wait_until(
            lambda: self.outcomes["acknowledged"] >= target,
            seconds,
            f"no {more} more acknowledged requests ({self.outcomes})",
        )

    def verify(self, api: Api) -> list[str]:
        return [problem for kind in self.kinds for problem in kind.verify(api)]


def event_load(url: str, token: str) -> Load:
    """Creates and PATCHes of pretix events in a new organizer, and progress reports of a few
    players."""
    admin = Api(url, token)
    organizer = new_organizer(admin, "chaos")
    return Load(
        url, token, [EventCreates(organizer), EventPatches(organizer), ProgressReports(url, admin)]
    )


def settle_seconds(stack: Stack) -> float:
    """How long the stack may take to notice an outage or to recover from one, from its own
    settings rather than a guess: its start-up allowance (a process the runner restarts), an RPC
    deadline, two health checks and the health cache. Generous on purpose: a busy machine only
    makes the test wait longer, never fail."""

    def setting(name: str, default: float) -> float:
        return float(stack.env.get(name, default))

    return (
        STARTUP_SECONDS
        + setting("RPC_TIMEOUT_SECONDS", 10)
        + 2 * setting("HEALTH_TIMEOUT_SECONDS", 3)
        + setting("HEALTH_CACHE_SECONDS", 1)
    )


def wait_for_health(api: Api, status: int, seconds: float) -> dict:
    """Polls /health until it answers ``status`` with its report; returns that body. An answer
    that is no report (a gateway restarting, a proxy's error page) counts as not yet."""
    deadline = time.monotonic() + seconds
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            response = api.get("/health")
            answer = response.json()
        except (requests.RequestException, ValueError):
            time.sleep(0.5)
            continue
        if isinstance(answer, dict) and "down" in answer:
            body = answer
            if response.status_code == status:
                return body
        time.sleep(0.5)
    raise AssertionError(f"/health did not turn {status} within {seconds} s: {body}")


class HeldLock:
    """``HeldLock(stack, "events", "SELECT … FOR UPDATE")``: the test holds the rows' lock in that
    service's database, so a request that writes them waits inside the service — in flight, with
    no test hook in the service — until ``release()``."""

    def __init__(self, stack: Stack, service: str, statement: str) -> None:
        url = stack.env[f"{service.upper()}_DATABASE_URL"].replace("+psycopg2", "")
        self.connection = psycopg2.connect(url)
        self.connection.cursor().execute(statement)
        # pg_stat_activity read inside a transaction is a snapshot: watch it from outside
        self.watcher = psycopg2.connect(url)
        self.watcher.autocommit = True

    def waiter(self, other_than: tuple[str, ...] = (), seconds: float = 60) -> str:
        """The process (the runner's label, PostgreSQL's application_name) whose connection
        waits on a lock, once there is one."""
        deadline = time.monotonic() + seconds
        with self.watcher.cursor() as cursor:
            while True:
                cursor.execute(
                    "SELECT application_name FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    "AND application_name <> ALL(%s)",
                    (list(other_than),),
                )
                row = cursor.fetchone()
                if row is not None:
                    return row[0]
                assert time.monotonic() < deadline, "no request came to wait on the lock"
                time.sleep(0.2)

    def release(self) -> None:
        self.connection.commit()
        self.connection.close()
        self.watcher.close()
