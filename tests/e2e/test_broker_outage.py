"""RabbitMQ stops: /health says 503 naming the broker. It starts again: every process reconnects by
itself and /health is 200 again, with nothing restarted.

This stops the machine's RabbitMQ application for a few seconds (``rabbitmqctl stop_app``), so it
runs last in the session (see ``pytest_collection_modifyitems`` in tests/e2e/conftest.py).
"""

import subprocess
import time

import pytest

from tests.support.client import Api

pytestmark = pytest.mark.broker_outage


def rabbit(command: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", command], check=True, capture_output=True, timeout=120)


def wait_for_health(api: Api, status: int, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    body: dict = {}
    while time.monotonic() < deadline:
        response = api.get("/health")
        body = response.json()
        if response.status_code == status:
            return body
        time.sleep(0.5)
    raise AssertionError(f"/health did not turn {status} within {seconds} s: {body}")


def test_health_follows_the_broker_down_and_back_up(stack, admin_token):
    api = Api(stack.url, admin_token)
    assert api.get("/Users/Me").status_code == 200
    rabbit("stop_app")
    try:
        body = wait_for_health(api, 503, 30)
        assert "broker" in body["down"] and body["broker"].startswith("down")
    finally:
        rabbit("start_app")
    wait_for_health(api, 200, 90)
    deadline = time.monotonic() + 30
    while api.get("/Users/Me").status_code != 200:
        assert time.monotonic() < deadline, "authenticated requests did not recover"
        time.sleep(0.5)
