"""services/common/metrics.py: entrypoint counts and latency, gauges, and the /metrics server."""

import os
import socket

import pytest
import requests
from nameko.testing.services import entrypoint_hook
from prometheus_client import REGISTRY

from services.common import metrics
from services.common.errors import NotFound
from services.common.metrics import Metrics, gauge
from services.common.rpc import rpc


class Probed:
    name = "probed"
    metrics = Metrics()

    @rpc
    def answer(self, kind: str) -> int:
        if kind == "missing":
            raise NotFound()
        if kind == "broken":
            raise ValueError("bug")
        return 42


def calls(outcome: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "setlist_entrypoint_calls_total",
            {"service": "probed", "entrypoint": "answer", "outcome": outcome},
        )
        or 0.0
    )


def latency_count() -> float:
    return (
        REGISTRY.get_sample_value(
            "setlist_entrypoint_latency_seconds_count",
            {"service": "probed", "entrypoint": "answer"},
        )
        or 0.0
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start(container_factory):
    """``start(Probed)``: a running container of the class on the test broker."""

    def start_container(service_cls=Probed):
        container = container_factory(service_cls, {"AMQP_URI": os.environ["AMQP_URI"]})
        container.start()
        return container

    return start_container


@pytest.fixture
def metrics_port(monkeypatch) -> int:
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    return port


def test_counts_each_call_by_outcome_and_times_it(start, monkeypatch):
    monkeypatch.delenv("METRICS_PORT", raising=False)
    container = start()
    before = {outcome: calls(outcome) for outcome in ("success", "expected_error", "error")}
    timed_before = latency_count()
    with entrypoint_hook(container, "answer") as answer:
        assert answer("fine") == 42
        assert answer("fine") == 42
        with pytest.raises(NotFound):
            answer("missing")
        with pytest.raises(ValueError):
            answer("broken")
    assert calls("success") - before["success"] == 2
    assert calls("expected_error") - before["expected_error"] == 1
    assert calls("error") - before["error"] == 1
    assert latency_count() - timed_before == 4
    assert metrics.SERVER.users == 0, "no METRICS_PORT, no server"


def test_serves_metrics_over_http_while_the_service_runs(start, metrics_port):
    container = start()
    with entrypoint_hook(container, "answer") as answer:
        answer("fine")
    response = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
    assert response.status_code == 200
    success = (
        'setlist_entrypoint_calls_total{entrypoint="answer",outcome="success",service="probed"}'
    )
    assert success in response.text
    assert "setlist_entrypoint_latency_seconds_bucket" in response.text
    assert metrics.probe() == 0
    container.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
    assert metrics.probe() == 1


def test_services_in_one_process_share_the_port_until_the_last_stops(start, metrics_port):
    class Other(Probed):
        name = "other"

    first, second = start(), start(Other)
    first.stop()
    assert requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).status_code == 200
    second.kill()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)


def test_a_gauge_is_made_once_and_scraped(start, metrics_port):
    open_things = gauge("test_open_things", "Things open in this test.")
    assert gauge("test_open_things", "Things open in this test.") is open_things
    open_things.inc(3)
    open_things.dec()
    start()
    body = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    assert "setlist_test_open_things 2.0" in body


def test_probe_fails_without_a_port(monkeypatch):
    monkeypatch.setenv("METRICS_PORT", "0")
    assert metrics.probe() == 1


def test_a_taken_port_stops_the_service_from_starting(start, metrics_port):
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("0.0.0.0", metrics_port))
        taken.listen()
        with pytest.raises(OSError):
            start()
    assert metrics.SERVER.users == 0
