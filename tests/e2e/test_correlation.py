"""One correlation id follows a request from the gateway into the services it calls."""

import json
import time

from tests.support.client import Api


def log_entries(stack) -> list[dict]:
    """The JSON log lines written so far; the last line may still be half-written, so it waits."""
    entries = []
    for line in stack.log_path.read_text(errors="replace").split("\n")[:-1]:
        _, _, payload = line.partition("| ")
        if payload.startswith("{"):
            entries.append(json.loads(payload))
    return entries


def test_request_id_is_echoed_and_logged_by_gateway_and_accounts(stack):
    response = Api(stack.url).get(
        "/Users/Me", headers={"X-Request-Id": "trace-me-42", "X-Emby-Token": "f" * 64}
    )
    assert response.status_code == 401
    assert response.headers["X-Request-Id"] == "trace-me-42"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        services = {
            entry.get("service")
            for entry in log_entries(stack)
            if entry.get("correlation_id") == "trace-me-42"
        }
        if {"gateway", "accounts"} <= services:
            return
        time.sleep(0.2)
    raise AssertionError(f"correlation id logged only by {services}")


def test_a_request_without_id_gets_one(stack):
    response = Api(stack.url).get("/health")
    assert len(response.headers["X-Request-Id"]) == 32
