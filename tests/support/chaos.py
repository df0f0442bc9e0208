"""Chaos tests' tools: steady load, waiting for /health, and holding a database lock.

The load is a few client loops, each sending one kind of request after another to the gateway until
told to stop, counting what every request got back and remembering each write the server
acknowledged, so that a test can check afterwards that none of them was lost.

A kind of request is a class with ``send(client)`` (one request, or None when it has nothing to
do yet), ``known_answer(response)`` and ``verify(api)`` (what is wrong in the system now, given the
acknowledged writes); add one to ``Load(kinds=[...])`` to put it under the same load.

Every answer must be a success (2xx) or a clean 503 ("try again"); anything else — a 500, another
error, no answer within ``ANSWER_SECONDS`` — is recorded as a failure, unless the kind names it as a
known limitation. A 503'd write may or may not have been applied (the service may have done it
after the gateway gave up), so only acknowledged writes are checked.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Protocol

import psycopg2
import requests

from tests.events.support import new_organizer
from tests.support.client import Api
from tests.support.infrastructure import Stack

#: no answer within this is a hang: several RPCs per request, each bounded by the RPC timeout
ANSWER_SECONDS = 60
PAUSE_SECONDS = 0.05


@dataclass
class Client:
    """One client loop: its HTTP session and the events it created (only it writes to those)."""

    api: Api
    number: int
    events: list[str] = field(default_factory=list)


class RequestKind(Protocol):
    def send(self, client: Client) -> requests.Response | None: ...

    def known_answer(self, response: requests.Response) -> str | None:
        """The name of a known limitation this non-2xx, non-503 answer shows, else None."""

    def verify(self, api: Api) -> list[str]: ...


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
        response = client.api.post(self.path, body,
                                   headers={"X-Idempotency-Key": uuid.uuid4().hex})
        if response.ok:
            with self.lock:
                self.acknowledged.add(slug)
            client.events.append(slug)
        return response

    def known_answer(self, response: requests.Response) -> None:
        return None

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

    def known_answer(self, response: requests.Response) -> None:
        return None

    def verify(self, api: Api) -> list[str]:
        problems = []
        for slug, sent in self.sent.items():
            acknowledged = [index for index, (_, ok) in enumerate(sent) if ok]
            if not acknowledged:
                continue
            # the last acknowledged value, or one sent after it that was applied but not answered
            allowed = {value for value, _ in sent[acknowledged[-1]:]}
            name = api.get(self.path + f"{slug}/").json()["name"]["en"]
            if name not in allowed:
                problems.append(f"{slug} is named {name!r}, the acknowledged PATCH set "
                                f"{sent[acknowledged[-1]][0]!r}")
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
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> Load:
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

    def _loop(self, client: Client) -> None:
        while not self.stopping.is_set():
            for kind in self.kinds:
                self._record(kind, client)
                time.sleep(PAUSE_SECONDS)

    def _record(self, kind: RequestKind, client: Client) -> None:
        name = type(kind).__name__
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
            elif (known := kind.known_answer(response)) is not None:
                outcome, failure = known, None
            else:
                outcome = "failed"
                failure = f"{name}: {response.status_code} {response.text[:300]}"
        with self.lock:
            self.outcomes[outcome] += 1
            if failure is not None:
                self.failures.append(failure)

    def wait_for_acknowledged(self, more: int, seconds: float = 120) -> None:
        """Waits until ``more`` further writes have been acknowledged."""
        target = self.outcomes["acknowledged"] + more
        wait_until(lambda: self.outcomes["acknowledged"] >= target, seconds,
                   f"no {more} more acknowledged requests ({self.outcomes})")

    def verify(self, api: Api) -> list[str]:
        return [problem for kind in self.kinds for problem in kind.verify(api)]


def event_load(url: str, token: str) -> Load:
    """Creates and PATCHes of pretix events in a new organizer."""
    organizer = new_organizer(Api(url, token), "chaos")
    return Load(url, token, [EventCreates(organizer), EventPatches(organizer)])


def wait_for_health(api: Api, status: int, seconds: float) -> dict:
    """Polls /health until it answers ``status``; returns that body."""
    deadline = time.monotonic() + seconds
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            response = api.get("/health")
        except requests.RequestException:
            time.sleep(0.5)
            continue
        body = response.json()
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
                cursor.execute("SELECT application_name FROM pg_stat_activity "
                               "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                               "AND application_name <> ALL(%s)", (list(other_than),))
                row = cursor.fetchone()
                if row is not None:
                    return row[0]
                assert time.monotonic() < deadline, "no request came to wait on the lock"
                time.sleep(0.2)

    def release(self) -> None:
        self.connection.commit()
        self.connection.close()
        self.watcher.close()
