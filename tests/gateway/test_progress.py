"""gateway/progress.py: progress reports waiting in one gateway process go to playstate in one call,
each waiting request gets its own report's outcome (or the call's failure), and a progress route
answers a cached caller without a worker: services of its own on the real broker, driven over HTTP."""

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import eventlet
import pytest
import requests
from nameko.containers import ServiceContainer

from gateway.auth import Auth
from gateway.http import GatewayRequest
from gateway.progress import ProgressQueue, ProgressReports, progress_route
from gateway.rpc import TimedRpcProxy
from services.common.errors import (
    AuthenticationFailed,
    NotFound,
    ServiceUnavailable,
    as_data,
)
from services.common.logs import LogContext, current_correlation_id
from services.common.principal import Principal
from services.common.rpc import rpc
from tests.support.infrastructure import create_vhost, delete_vhost

PRINCIPAL = {"kind": "user", "token_id": 1}


def outcomes(reports: list[dict[str, Any]]) -> list[Any]:
    """playstate's answer: NotFound for a report at position 13, done for the others."""
    return [
        as_data(NotFound("Item not found.")) if report["info"]["position"] == 13 else None
        for report in reports
    ]


class Queue(ProgressQueue):
    """The queue with playstate's side played here: each call takes a round trip (the next reports
    gather meanwhile), and fails when told to."""

    def __init__(self, fails: Exception | None = None) -> None:
        self.fails = fails
        self.calls: list[tuple[list[dict[str, Any]], dict[str, Any]]] = []

    def call_playstate(self, items: list[dict[str, Any]], context_data: dict[str, Any]) -> Any:
        self.calls.append((items, context_data))
        eventlet.sleep(0.01)
        if self.fails is not None:
            raise self.fails
        return outcomes(items)


def queue(fails: Exception | None = None) -> Queue:
    made = Queue(fails)
    made.setup()
    return made


def report_each(reports: Queue, positions: range) -> dict[int, Any]:
    """Each position reported at once by a request of its own: what each got."""
    outcome: dict[int, Any] = {}

    def one(position: int) -> None:
        try:
            reports.report({"n": position}, PRINCIPAL, None, {"position": position}, position)
            outcome[position] = "204"
        except (NotFound, ServiceUnavailable) as exc:
            outcome[position] = exc

    pool = eventlet.GreenPool()
    for position in positions:
        pool.spawn(one, position)
    pool.waitall()
    return outcome


def test_reports_waiting_together_are_one_call_and_each_gets_its_own_outcome():
    reports = queue()
    outcome = report_each(reports, range(20))
    assert len(reports.calls) < 20  # not one call per report
    sent = [item for items, _ in reports.calls for item in items]
    assert sorted(item["info"]["position"] for item in sent) == list(range(20))
    assert sent[0] == {
        "principal": PRINCIPAL,
        "user_id": None,
        "info": {"position": 0},
        "reported_us": 0,
    }
    assert isinstance(outcome.pop(13), NotFound)  # its own error only
    assert outcome == dict.fromkeys(set(range(20)) - {13}, "204")


def test_a_call_carries_the_context_of_its_first_report():
    reports = queue()
    report_each(reports, range(5))
    for items, context_data in reports.calls:
        assert context_data == {"n": items[0]["info"]["position"]}


def test_a_lone_report_is_sent_at_once():
    reports = queue()
    reports.report({}, PRINCIPAL, "u", {"position": 1}, 5)
    assert len(reports.calls) == 1


def test_a_failed_call_fails_each_of_its_reports():
    unavailable = ServiceUnavailable("The playstate service did not answer in time.")
    outcome = report_each(queue(unavailable), range(5))
    assert len(outcome) == 5
    assert all(result is unavailable for result in outcome.values())


# a progress route in a running service ---------------------------------------------------------

TOKEN = "good-token"
ALICE = Principal(kind="user", token_id=7, user_id=1, username="alice").to_dict()


class Accounts:
    name = "accounts"
    asked: list[str] = []

    @rpc
    def authenticate(self, token: str) -> dict[str, Any]:
        Accounts.asked.append(token)
        if token != TOKEN:
            raise AuthenticationFailed()
        return ALICE


class Playstate:
    name = "playstate"
    log_context = LogContext()
    batches: list[list[dict[str, Any]]] = []
    correlation_ids: list[str | None] = []
    delay = 0.0

    @rpc
    def playback_progress_batch(self, reports: list[dict[str, Any]]) -> list[Any]:
        eventlet.sleep(Playstate.delay)
        Playstate.batches.append(reports)
        Playstate.correlation_ids.append(current_correlation_id())
        return outcomes(reports)


class Gateway:
    name = "gateway"
    accounts = TimedRpcProxy("accounts")
    auth = Auth()
    report_progress = ProgressReports()

    @progress_route("POST", "/progress/<int:position>")
    def progress(self, request: GatewayRequest, position: int) -> None:
        caller = self.auth.request_principal(request).to_dict()
        self.report_progress(caller, None, {"position": position}, position)

    @progress_route("POST", "/broken")
    def broken(self, request: GatewayRequest) -> None:
        self.auth.request_principal(request)
        raise ValueError("a bug")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_services() -> Iterator[tuple[str, ServiceContainer]]:
    """The three services on a vhost of their own: the gateway's URL and container."""
    vhost = f"setlist-test-progress-{secrets.token_hex(3)}"
    create_vhost(vhost)
    amqp = os.environ["AMQP_URI"].rsplit("/", 1)[0] + f"/{vhost}"
    port = free_port()
    config = {"AMQP_URI": amqp, "WEB_SERVER_ADDRESS": f"127.0.0.1:{port}"}
    containers = [ServiceContainer(cls, config) for cls in (Accounts, Playstate, Gateway)]
    for container in containers:
        container.start()
    try:
        yield f"http://127.0.0.1:{port}", containers[-1]
    finally:
        for container in containers:
            container.stop()
        delete_vhost(vhost)


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[str, ServiceContainer]]:
    with running_services() as running:
        yield running


@pytest.fixture
def gateway(services) -> tuple[str, ServiceContainer]:
    """The running services, with what they recorded of earlier tests forgotten."""
    Accounts.asked, Playstate.batches, Playstate.correlation_ids = [], [], []
    Playstate.delay = 0.0
    return services


def post(url: str, token: str = TOKEN, **headers: str) -> requests.Response:
    return requests.post(url, headers={"Authorization": f"Token {token}", **headers}, timeout=10)


def test_a_cached_caller_is_answered_without_asking_accounts_again(gateway):
    url, _ = gateway
    first = post(f"{url}/progress/1", **{"X-Request-Id": "first-report"})
    assert (first.status_code, first.headers["X-Request-Id"]) == (204, "first-report")
    answers = [post(f"{url}/progress/{position}") for position in range(2, 6)]
    assert [answer.status_code for answer in answers] == [204] * 4
    assert all(len(answer.headers["X-Request-Id"]) == 32 for answer in answers)
    assert Accounts.asked == [TOKEN]  # the first one only: its worker filled the cache
    sent = [item["info"]["position"] for batch in Playstate.batches for item in batch]
    assert sent == [1, 2, 3, 4, 5]
    assert Playstate.batches[0][0]["principal"] == ALICE


def test_errors_are_answered_as_a_worker_would(gateway):
    url, _ = gateway
    assert post(f"{url}/progress/1").status_code == 204
    missing = post(f"{url}/progress/13")  # playstate's own error for that report
    assert (missing.status_code, missing.json()) == (404, {"detail": "Item not found."})
    refused = post(f"{url}/progress/1", token="bad-token")  # not cached: a worker asks accounts
    assert refused.status_code == 401
    broken = post(f"{url}/broken")
    assert broken.status_code == 500 and set(broken.json()) == {"detail", "error_id"}


def test_a_graceful_stop_waits_for_the_reports_in_flight(gateway):
    with running_services() as (url, container):
        graceful_stop(url, container)


def graceful_stop(url: str, container: ServiceContainer) -> None:
    assert post(f"{url}/progress/1").status_code == 204  # the caller is cached from now on
    Playstate.delay = 0.5
    answer = eventlet.spawn(post, f"{url}/progress/2")
    eventlet.sleep(0.2)  # the report waits for playstate's answer
    container.stop()
    assert answer.wait().status_code == 204
    assert [item["info"]["position"] for item in Playstate.batches[-1]] == [2]


def test_a_batch_call_carries_the_correlation_id_of_its_first_report(gateway):
    url, _ = gateway
    post(f"{url}/progress/1")
    post(f"{url}/progress/2", **{"X-Request-Id": "traced-report"})
    assert Playstate.correlation_ids[-1] == "traced-report"
