"""``GET /health``: the broker, every service (by its ``health`` RPC) and every database.

Checks run in parallel with one deadline, so a down service costs the timeout once, not per service.
A gateway process makes one report per ``HEALTH_CACHE_SECONDS`` (requests meanwhile get the same
one, and requests that come while it is being made wait for it), so /health is cheap however often
it is asked. Whatever fails, the answer is a report with ``status`` and ``down`` — never the
generic 503 body. ``GET /health/live`` (liveness) is answered by the HTTP layer without any of this.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import eventlet
from eventlet.semaphore import Semaphore
from kombu import Connection

from services.common import config

TIMEOUT = config.HEALTH_TIMEOUT_SECONDS.value()
CACHE_SECONDS = config.HEALTH_CACHE_SECONDS.value()
Report = tuple[int, dict[str, Any]]


def broker_status(uri: str, timeout: float = TIMEOUT) -> str:
    try:
        with Connection(uri, connect_timeout=timeout) as connection:
            connection.connect()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the broker is down
        return f"down: {type(exc).__name__}"


def service_statuses(
    proxies: dict[str, object], timeout: float = TIMEOUT
) -> dict[str, dict[str, Any]]:
    """service name → its health report, or {"service": "down: …"} when it did not answer."""
    pool = eventlet.GreenPool(len(proxies))

    def ask(name: str) -> tuple[str, dict[str, Any]]:
        try:
            with eventlet.Timeout(timeout):
                return name, proxies[name].health()  # type: ignore[attr-defined]
        except eventlet.Timeout:
            return name, {"service": "down: no answer"}
        except Exception as exc:  # noqa: BLE001
            return name, {"service": f"down: {type(exc).__name__}"}

    return dict(pool.imap(ask, proxies))


def health_report(broker: str, services: dict[str, dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    """(status, body): 200 when everything answers, else 503 with ``down`` naming each part."""
    down = [] if broker == "ok" else ["broker"]
    for name, report in services.items():
        down += [
            name if part == "service" else f"{name}.{part}"
            for part, state in report.items()
            if state != "ok"
        ]
    body = {
        "status": "ok" if not down else "unavailable",
        "broker": broker,
        "services": services,
        "down": down,
    }
    return (200 if not down else 503), body


def check(amqp_uri: str, proxies: dict[str, Any]) -> Report:
    """The broker, then (when it answers) every service through its proxy: the health report."""
    broker = broker_status(amqp_uri)
    return health_report(broker, service_statuses(proxies) if broker == "ok" else {})


def gateway_down(reason: str) -> Report:
    """The report when this gateway cannot even make one (stopping, or its worker failed)."""
    return 503, {
        "status": "unavailable",
        "broker": "unknown",
        "services": {},
        "down": ["gateway"],
        "detail": reason,
    }


class HealthCache:
    """The process's last report, for ``ttl`` seconds; one report is made at a time."""

    def __init__(
        self, ttl: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self.turn = Semaphore(1)
        self.report: Report | None = None
        self.expires = 0.0

    def _fresh(self) -> Report | None:
        return self.report if self.report is not None and self.clock() < self.expires else None

    def get(self, make: Callable[[], Report]) -> Report:
        report = self._fresh()
        if report is not None:
            return report
        with self.turn:
            report = self._fresh()
            if report is None:
                try:
                    report = make()
                except Exception as exc:  # noqa: BLE001 - a report, whatever went wrong
                    report = gateway_down(f"the health check failed: {type(exc).__name__}")
                self.report, self.expires = report, self.clock() + self.ttl
            return report
