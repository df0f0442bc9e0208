"""``GET /health``: the broker, every service (by its ``health`` RPC) and every database.

Checks run in parallel with one deadline, so a down service costs the timeout once, not per service.
"""

from __future__ import annotations

from typing import Any

import eventlet
from kombu import Connection

from services.common import config

TIMEOUT = config.HEALTH_TIMEOUT_SECONDS.value()


def broker_status(uri: str, timeout: float = TIMEOUT) -> str:
    try:
        with Connection(uri, connect_timeout=timeout) as connection:
            connection.connect()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the broker is down
        return f"down: {type(exc).__name__}"


def service_statuses(proxies: dict[str, object], timeout: float = TIMEOUT) -> dict[str, dict[str, Any]]:
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


def health_report(
    broker: str, services: dict[str, dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    """(status, body): 200 when everything answers, else 503 with ``down`` naming each part."""
    down = [] if broker == "ok" else ["broker"]
    for name, report in services.items():
        down += [name if part == "service" else f"{name}.{part}"
                 for part, state in report.items() if state != "ok"]
    body = {"status": "ok" if not down else "unavailable", "broker": broker,
            "services": services, "down": down}
    return (200 if not down else 503), body
