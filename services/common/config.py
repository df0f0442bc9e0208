"""Configuration from environment variables, with defaults that run on a laptop.

Every setting has one environment variable; nothing else is read. See README.md for the list.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Services that own a database, in the order migrations run.
DATABASE_SERVICES: tuple[str, ...] = ("accounts", "events", "playstate")
#: Every service process, gateway last.
SERVICES: tuple[str, ...] = ("accounts", "events", "playstate", "realtime")

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def var_dir() -> Path:
    """Where SQLite files live when no database URL is set."""
    return Path(os.environ.get("SETLIST_VAR", "var")).resolve()


def database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, else a SQLite file `var/<service>.db`."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{var_dir() / service}.db"


def float_setting(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def gateway_address() -> tuple[str, int]:
    return os.environ.get("GATEWAY_HOST", "127.0.0.1"), int(os.environ.get("GATEWAY_PORT", "8000"))
