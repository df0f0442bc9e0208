"""Which processes make up Setlist, and how each is started."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from services.common import config

ROOT = Path(__file__).resolve().parents[1]
NAMEKO_CONFIG = ROOT / "deploy" / "config.yml"

#: the nameko services each process runs (accounts: password logins have their own queue)
SERVICE_CLASSES = {
    "accounts": (
        "services.accounts.service:AccountsService",
        "services.accounts.service:LoginService",
    ),
    "events": ("services.events.service:EventsService",),
    "playstate": ("services.playstate.service:PlaystateService",),
    "realtime": ("services.realtime.service:RealtimeService",),
    "gateway": ("gateway.service:GatewayService",),
}


@dataclass(frozen=True)
class Process:
    label: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


#: the processes whose worker limit is sized apart from ``MAX_WORKERS``: their environment
MAX_WORKERS = {
    "gateway": lambda: {"MAX_WORKERS": str(config.GATEWAY_MAX_WORKERS.value())},
    "playstate": lambda: {"MAX_WORKERS": str(config.PLAYSTATE_MAX_WORKERS.value())},
}


def nameko_argv(service: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "setlist.nameko_run",
        "run",
        "--config",
        str(NAMEKO_CONFIG),
        *SERVICE_CLASSES[service],
    ]


def with_metrics_ports(processes: list[Process]) -> list[Process]:
    """With ``METRICS_BASE_PORT`` set, process i serves /metrics on base + i (in plan order)."""
    base = config.METRICS_BASE_PORT.value()
    if not base:
        return processes
    return [
        Process(p.label, p.argv, {**p.env, "METRICS_PORT": str(base + index)})
        for index, p in enumerate(processes)
    ]


def plan() -> list[Process]:
    """Every process to start: each service's instances, then the gateways on consecutive ports
    (``GATEWAY_PROCESSES`` of them on each port; eventlet's listening sockets have SO_REUSEPORT)."""
    processes = []
    for service in config.SERVICES:
        count = config.instances(service)
        env = MAX_WORKERS.get(service, dict)()
        for index in range(count):
            label = service if count == 1 else f"{service}.{index + 1}"
            processes.append(Process(label, nameko_argv(service), env))
    host, port = config.gateway_address()
    addresses = [
        f"{host}:{port + index}"
        for index in range(config.instances("gateway"))
        for _ in range(max(1, config.GATEWAY_PROCESSES.value()))
    ]
    for index, address in enumerate(addresses):
        label = "gateway" if len(addresses) == 1 else f"gateway.{index + 1}"
        processes.append(
            Process(
                label,
                nameko_argv("gateway"),
                {"WEB_SERVER_ADDRESS": address, **MAX_WORKERS["gateway"]()},
            )
        )
    return with_metrics_ports(processes)
