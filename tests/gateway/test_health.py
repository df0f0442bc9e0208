"""What /health reports, from the answers it collected."""

from gateway.health import health_report


def test_all_answering_is_200():
    status, body = health_report("ok", {"accounts": {"service": "ok", "database": "ok"},
                                        "realtime": {"service": "ok"}})
    assert status == 200 and body["status"] == "ok" and body["down"] == []


def test_down_parts_are_named():
    status, body = health_report("ok", {"accounts": {"service": "ok", "database": "down: X"},
                                        "events": {"service": "down: no answer"}})
    assert status == 503
    assert body["down"] == ["accounts.database", "events"]


def test_broker_down_is_named():
    status, body = health_report("down: OperationalError", {})
    assert status == 503 and body["down"] == ["broker"]
