"""Every setting of Setlist: one environment variable each, with its default and meaning.

This module is the only place that reads Setlist's environment variables (README.md's configuration
table lists the same ones; ``tests/common/test_config.py`` holds the two together). Each is a
:class:`Setting`; ``SETTINGS`` has them all, in the README's order. A setting is read when asked
for (``RPC_TIMEOUT_SECONDS.value()``), so a module that wants it fixed for its process reads it
once at import. An empty variable counts as unset. ``MAX_WORKERS`` and ``LOG_LEVEL`` are read by
nameko from ``deploy/config.yml`` (``${MAX_WORKERS:10}``); they are declared here all the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T", covariant=True)

#: Services that own a database, in the order migrations run.
DATABASE_SERVICES: tuple[str, ...] = ("accounts", "events", "playstate")
#: Every service process (the gateway aside).
SERVICES: tuple[str, ...] = ("accounts", "events", "playstate", "realtime")
#: What ``make run`` starts, gateways last: each has a ``<NAME>_INSTANCES``.
PROCESSES: tuple[str, ...] = (*SERVICES, "gateway")


def _port(value: str) -> int:
    """A port, or 0 for "off"."""
    return int(value) if value else 0


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable: its name, its default as written in the environment ("" is
    unset), what it means, and how its text becomes a value."""

    name: str
    default: str
    meaning: str
    parse: Callable[[str], T]
    #: the default as README.md shows it, when it is not ``default`` itself
    shown: str = ""

    def raw(self) -> str:
        return os.environ.get(self.name) or self.default

    def value(self) -> T:
        return self.parse(self.raw())

    @property
    def shown_default(self) -> str:
        return self.shown or self.default


def _declare(settings: list[Setting[T]]) -> dict[str, Setting[T]]:
    return {setting.name: setting for setting in settings}


def _text(value: str) -> str:
    return value


AMQP_URI = Setting(
    "AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/", "RabbitMQ for every process", _text
)
DATABASE_URLS = _declare(
    [
        Setting(
            f"{service.upper()}_DATABASE_URL",
            "",
            "each service's own database (`postgresql+psycopg2://…` in production)",
            _text,
            shown="sqlite:///var/<service>.db",
        )
        for service in DATABASE_SERVICES
    ]
)
SETLIST_VAR = Setting("SETLIST_VAR", "var", "where the default SQLite files live", _text)
GATEWAY_HOST = Setting("GATEWAY_HOST", "127.0.0.1", "where the gateway listens", _text)
GATEWAY_PORT = Setting("GATEWAY_PORT", "8000", "where the gateway listens", int)
INSTANCES = _declare(
    [
        Setting(
            f"{process.upper()}_INSTANCES",
            "1",
            "processes per service for `make run`; gateways take consecutive ports",
            int,
        )
        for process in PROCESSES
    ]
)
GATEWAY_PROCESSES = Setting(
    "GATEWAY_PROCESSES",
    "1",
    "for `make run`: processes per gateway instance, all on its port (SO_REUSEPORT)",
    int,
)
PRINCIPAL_CACHE_SECONDS = Setting(
    "PRINCIPAL_CACHE_SECONDS",
    "5",
    "how long a gateway trusts a resolved token (revocations drop it at once)",
    float,
)
PERMISSIONS_CACHE_SECONDS = Setting(
    "PERMISSIONS_CACHE_SECONDS",
    "10",
    "how long the events service trusts accounts' answer on a principal's permissions in an "
    "organizer (accounts' permissions_changed drops it at once)",
    float,
)
HEALTH_TIMEOUT_SECONDS = Setting(
    "HEALTH_TIMEOUT_SECONDS", "3", "how long `/health` waits for each part", float
)
HEALTH_CACHE_SECONDS = Setting(
    "HEALTH_CACHE_SECONDS", "1", "how long a gateway process serves one `/health` report", float
)
READ_TIMEOUT_SECONDS = Setting(
    "READ_TIMEOUT_SECONDS",
    "30",
    "a client that has not sent its whole request within this is disconnected",
    float,
)
PUBLIC_BASE_URL = Setting(
    "PUBLIC_BASE_URL",
    "",
    "absolute URL of the gateway for `next`/`previous` links and Jellyfin's `LocalAddress`",
    _text,
    shown="unset (the request's host)",
)
TRUSTED_PROXIES = Setting(
    "TRUSTED_PROXIES",
    "",
    "addresses or networks whose `X-Forwarded-For` gives the client's address (login throttle)",
    _text,
    shown="unset (none)",
)
PASSWORD_HASHING_THREADS = Setting(
    "PASSWORD_HASHING_THREADS", "2", "password hashes an accounts process computes at once", int
)
GATEWAY_LOGINS_AT_ONCE = Setting(
    "GATEWAY_LOGINS_AT_ONCE", "4", "logins a gateway process forwards to accounts at once", int
)
RPC_TIMEOUT_SECONDS = Setting(
    "RPC_TIMEOUT_SECONDS",
    "10",
    "how long the gateway waits for a service before answering 503",
    float,
)
MAX_WORKERS = Setting("MAX_WORKERS", "10", "nameko workers per process", int)
GATEWAY_MAX_WORKERS = Setting(
    "GATEWAY_MAX_WORKERS",
    "100",
    "for `make run`: requests a gateway process handles at once (its `MAX_WORKERS`)",
    int,
)
PLAYSTATE_MAX_WORKERS = Setting(
    "PLAYSTATE_MAX_WORKERS",
    "64",
    "for `make run`: calls a playstate process handles at once (its `MAX_WORKERS`)",
    int,
)
PLAYSTATE_PROGRESS_BATCH = Setting(
    "PLAYSTATE_PROGRESS_BATCH",
    "200",
    "at most this many progress reports sent in one call by a gateway, and written in one transaction by playstate",
    int,
)
GATEWAY_PROGRESS_CALLS = Setting(
    "GATEWAY_PROGRESS_CALLS",
    "2",
    "progress batch calls a gateway process has under way at once (a further one goes only once `GATEWAY_PROGRESS_GATHER` reports wait)",
    int,
)
GATEWAY_PROGRESS_GATHER = Setting(
    "GATEWAY_PROGRESS_GATHER",
    "16",
    "progress reports that must wait before a gateway sends them while another batch call is under way",
    int,
)
STOP_GRACE_SECONDS = Setting(
    "STOP_GRACE_SECONDS",
    "30",
    "for `make run`: how long a stopping process may finish its work before it is killed",
    float,
)
METRICS_PORT = Setting(
    "METRICS_PORT",
    "",
    "serve Prometheus `/metrics` of the process on this port (containers)",
    _port,
    shown="unset (off)",
)
METRICS_HOST = Setting("METRICS_HOST", "127.0.0.1", "the interface `/metrics` listens on", _text)
METRICS_BASE_PORT = Setting(
    "METRICS_BASE_PORT",
    "",
    "for `make run`: process *i* serves `/metrics` on base + *i* (order of the run plan)",
    _port,
    shown="unset (off)",
)
PLAYSTATE_MIN_RESUME_PCT = Setting(
    "PLAYSTATE_MIN_RESUME_PCT", "5", "Jellyfin's MinResumePct: below, a position is not kept", float
)
PLAYSTATE_MAX_RESUME_PCT = Setting(
    "PLAYSTATE_MAX_RESUME_PCT",
    "90",
    "Jellyfin's MaxResumePct: above, the item counts as played",
    float,
)
PLAYSTATE_MIN_RESUME_DURATION_SECONDS = Setting(
    "PLAYSTATE_MIN_RESUME_DURATION_SECONDS",
    "300",
    "items shorter than this never keep a resume position (played instead)",
    float,
)
PLAYSTATE_SESSION_TIMEOUT_SECONDS = Setting(
    "PLAYSTATE_SESSION_TIMEOUT_SECONDS",
    "300",
    "a playback session without start, progress or ping for this long is stopped",
    float,
)
PLAYSTATE_EXPIRY_INTERVAL_SECONDS = Setting(
    "PLAYSTATE_EXPIRY_INTERVAL_SECONDS",
    "30",
    "how often playstate looks for silent sessions",
    float,
)
PLAYSTATE_ITEM_CACHE_SECONDS = Setting(
    "PLAYSTATE_ITEM_CACHE_SECONDS",
    "60",
    "how long playstate keeps a catalogue track's runtime",
    float,
)
PLAYSTATE_DEVICE_TOUCH_SECONDS = Setting(
    "PLAYSTATE_DEVICE_TOUCH_SECONDS",
    "10",
    "a Jellyfin session's activity is written at most this often per device by progress, ping and"
    " reads (start, stop and marks always write)",
    float,
)
LOG_LEVEL = Setting("LOG_LEVEL", "INFO", "log level of every process", _text)
WEBSOCKET_BACKLOG_BYTES = Setting(
    "WEBSOCKET_BACKLOG_BYTES",
    "1048576",
    "bytes an event room socket may leave unread beyond its kernel buffers before close 1013",
    int,
)
WEBSOCKET_PING_SECONDS = Setting(
    "WEBSOCKET_PING_SECONDS", "20", "event room sockets' keepalive (ping, and wait for pong)", float
)
WEBSOCKET_REORDER_SECONDS = Setting(
    "WEBSOCKET_REORDER_SECONDS",
    "0.2",
    "how long a room message ahead of a missing revision waits for it",
    float,
)
ROOM_SOCKETS_PER_USER = Setting(
    "ROOM_SOCKETS_PER_USER",
    "20",
    "open event room sockets a user may have on one gateway process (HTTP 429 beyond)",
    int,
)
PRESENCE_HEARTBEAT_SECONDS = Setting(
    "PRESENCE_HEARTBEAT_SECONDS",
    "5",
    "how often each gateway sends realtime its whole room presence",
    float,
)
PRESENCE_GATEWAY_TIMEOUT_SECONDS = Setting(
    "PRESENCE_GATEWAY_TIMEOUT_SECONDS",
    "15",
    "a gateway not heard from for this long leaves room presence with its users",
    float,
)
LOG_FORMAT = Setting(
    "LOG_FORMAT",
    "json",
    "`json`: one JSON object per line with `service` and `correlation_id`; `text` for a terminal",
    _text,
)
SETLIST_PROCESS = Setting(
    "SETLIST_PROCESS",
    "",
    "set by `make run` for each process (`events.2`): `service` of its log lines outside a worker",
    _text,
    shown="unset",
)

#: Every setting, in README.md's order.
SETTINGS: tuple[Setting[object], ...] = (
    AMQP_URI,
    *DATABASE_URLS.values(),
    SETLIST_VAR,
    GATEWAY_HOST,
    GATEWAY_PORT,
    *INSTANCES.values(),
    GATEWAY_PROCESSES,
    PRINCIPAL_CACHE_SECONDS,
    PERMISSIONS_CACHE_SECONDS,
    HEALTH_TIMEOUT_SECONDS,
    HEALTH_CACHE_SECONDS,
    READ_TIMEOUT_SECONDS,
    PUBLIC_BASE_URL,
    TRUSTED_PROXIES,
    PASSWORD_HASHING_THREADS,
    GATEWAY_LOGINS_AT_ONCE,
    RPC_TIMEOUT_SECONDS,
    MAX_WORKERS,
    GATEWAY_MAX_WORKERS,
    PLAYSTATE_MAX_WORKERS,
    PLAYSTATE_PROGRESS_BATCH,
    GATEWAY_PROGRESS_CALLS,
    GATEWAY_PROGRESS_GATHER,
    STOP_GRACE_SECONDS,
    METRICS_PORT,
    METRICS_HOST,
    METRICS_BASE_PORT,
    PLAYSTATE_MIN_RESUME_PCT,
    PLAYSTATE_MAX_RESUME_PCT,
    PLAYSTATE_MIN_RESUME_DURATION_SECONDS,
    PLAYSTATE_SESSION_TIMEOUT_SECONDS,
    PLAYSTATE_EXPIRY_INTERVAL_SECONDS,
    PLAYSTATE_ITEM_CACHE_SECONDS,
    PLAYSTATE_DEVICE_TOUCH_SECONDS,
    LOG_LEVEL,
    WEBSOCKET_BACKLOG_BYTES,
    WEBSOCKET_PING_SECONDS,
    WEBSOCKET_REORDER_SECONDS,
    ROOM_SOCKETS_PER_USER,
    PRESENCE_HEARTBEAT_SECONDS,
    PRESENCE_GATEWAY_TIMEOUT_SECONDS,
    LOG_FORMAT,
    SETLIST_PROCESS,
)


def amqp_uri() -> str:
    return AMQP_URI.value()


def var_dir() -> Path:
    """Where SQLite files live when no database URL is set."""
    return Path(SETLIST_VAR.value()).resolve()


def database_url(service: str) -> str:
    """`<SERVICE>_DATABASE_URL`, else a SQLite file `var/<service>.db`."""
    return (
        DATABASE_URLS[f"{service.upper()}_DATABASE_URL"].value()
        or f"sqlite:///{var_dir() / service}.db"
    )


def instances(process: str) -> int:
    """``<PROCESS>_INSTANCES`` (at least 1): how many processes of a service `make run` starts."""
    return max(1, INSTANCES[f"{process.upper()}_INSTANCES"].value())


def gateway_address() -> tuple[str, int]:
    return GATEWAY_HOST.value(), GATEWAY_PORT.value()
