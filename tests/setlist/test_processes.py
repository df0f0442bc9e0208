"""The run plan: instances per service, gateways on consecutive ports, metrics ports."""

from setlist.processes import plan


def test_default_plan_is_one_process_per_service_then_the_gateway(monkeypatch):
    monkeypatch.delenv("METRICS_BASE_PORT", raising=False)
    monkeypatch.setenv("GATEWAY_PORT", "8000")
    labels = [process.label for process in plan()]
    assert labels == ["accounts", "events", "playstate", "realtime", "gateway"]
    assert plan()[-1].env["WEB_SERVER_ADDRESS"] == "127.0.0.1:8000"


def test_gateway_processes_share_each_port(monkeypatch):
    monkeypatch.setenv("GATEWAY_INSTANCES", "2")
    monkeypatch.setenv("GATEWAY_PROCESSES", "2")
    monkeypatch.setenv("GATEWAY_PORT", "9000")
    gateways = plan()[-4:]
    assert [p.label for p in gateways] == [f"gateway.{n}" for n in (1, 2, 3, 4)]
    assert [p.env["WEB_SERVER_ADDRESS"] for p in gateways] == [
        "127.0.0.1:9000",
        "127.0.0.1:9000",
        "127.0.0.1:9001",
        "127.0.0.1:9001",
    ]


def test_gateway_and_playstate_worker_limits(monkeypatch):
    monkeypatch.setenv("GATEWAY_MAX_WORKERS", "50")
    monkeypatch.delenv("PLAYSTATE_MAX_WORKERS", raising=False)
    workers = {p.label: p.env.get("MAX_WORKERS") for p in plan()}
    assert workers["gateway"] == "50" and workers["playstate"] == "64"
    assert workers["events"] is None  # MAX_WORKERS from the environment, as before


def test_instances_and_consecutive_gateway_ports(monkeypatch):
    monkeypatch.setenv("EVENTS_INSTANCES", "2")
    monkeypatch.setenv("GATEWAY_INSTANCES", "2")
    monkeypatch.setenv("GATEWAY_PORT", "9000")
    processes = plan()
    assert [p.label for p in processes] == [
        "accounts",
        "events.1",
        "events.2",
        "playstate",
        "realtime",
        "gateway.1",
        "gateway.2",
    ]
    assert [p.env["WEB_SERVER_ADDRESS"] for p in processes[-2:]] == [
        "127.0.0.1:9000",
        "127.0.0.1:9001",
    ]


def test_metrics_ports_follow_the_plan(monkeypatch):
    monkeypatch.setenv("METRICS_BASE_PORT", "9100")
    assert [p.env["METRICS_PORT"] for p in plan()] == ["9100", "9101", "9102", "9103", "9104"]
