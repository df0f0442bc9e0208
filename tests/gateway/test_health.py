"""What /health reports, from the answers it collected."""

from gateway.health import health_report


def test_all_answering_is_200():
    status, body = health_report(
        "ok", {"accounts": {"service": "ok", "database": "ok"}, "realtime": {"service": "ok"}}
    )
    assert status == 200 and body["status"] == "ok" and body["down"] == []


def test_down_parts_are_named():
    status, body = health_report(
        "ok",
        {
            "accounts": {"service": "ok", "database": "down: X"},
            "events": {"service": "down: no answer"},
        },
    )
    assert status == 503
    assert body["down"] == ["accounts.database", "events"]


def test_broker_down_is_named():
    status, body = health_report("down: OperationalError", {})
    assert status == 503 and body["down"] == ["broker"]


def test_a_report_is_made_once_per_cache_period_and_failures_are_reports():
    from gateway.health import HealthCache

    now = [0.0]
    cache = HealthCache(ttl=1.0, clock=lambda: now[0])
    made = []

    def make():
        made.append(1)
        return 200, {"status": "ok", "down": []}

    assert cache.get(make) == cache.get(make) and len(made) == 1
    now[0] = 1.5
    cache.get(make)
    assert len(made) == 2

    def broken():
        raise RuntimeError("boom")

    now[0] = 3.0
    status, body = cache.get(broken)
    assert status == 503 and body["status"] == "unavailable" and body["down"] == ["gateway"]
