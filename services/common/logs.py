"""Logs an operator can follow: one JSON object per line (or plain text with ``LOG_FORMAT=text``),
each carrying the service and the correlation id of the request that caused it.

The gateway gives every request a correlation id (its ``X-Request-Id``, or a new one); nameko carries
it in the context data of every RPC and event that request causes, so one id follows the request
through every service. :class:`LogContext` puts it where the log formatter finds it.

:class:`ConsoleHandler` writes the lines of one turn of the event loop together: under load that
is many requests' access lines in one write instead of a write each.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, TextIO

from eventlet import corolocal, hubs
from nameko.extensions import DependencyProvider

from services.common import config

_local = corolocal.local()  # one per green thread, i.e. per nameko worker

CORRELATION_ID = "correlation_id"


def current_correlation_id() -> str | None:
    return getattr(_local, "correlation_id", None)


def set_context(service: str | None, correlation_id: str | None) -> None:
    """The service and correlation id of every line this green thread logs from now on."""
    _local.service = service
    _local.correlation_id = correlation_id


class LogContext(DependencyProvider):
    """Sets the worker's service and correlation id for every log line it writes."""

    def worker_setup(self, worker_ctx: Any) -> None:
        set_context(
            worker_ctx.service_name,
            worker_ctx.context_data.get(CORRELATION_ID) or worker_ctx.call_id,
        )

    def worker_teardown(self, worker_ctx: Any) -> None:
        set_context(None, None)


class ExpectedErrorFilter(logging.Filter):
    """Drops the traceback from nameko's "(expected) error handling worker" warnings.

    An expected error is a client's mistake (bad input, no permission): one line is enough.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("(expected)"):
            record.exc_info = None
            record.exc_text = None
        return True


class SetlistFormatter(logging.Formatter):
    """JSON lines by default; ``LOG_FORMAT=text`` for a human at a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.json = config.LOG_FORMAT.value() != "text"
        self.process = config.SETLIST_PROCESS.value() or None

    def format(self, record: logging.LogRecord) -> str:
        correlation_id = current_correlation_id()
        service = getattr(_local, "service", None) or self.process
        if not self.json:
            line = super().format(record)
            return f"{line} [{correlation_id}]" if correlation_id else line
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if service:
            entry["service"] = service
        if correlation_id:
            entry[CORRELATION_ID] = correlation_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ConsoleHandler(logging.StreamHandler[TextIO]):
    """stderr, written once per turn of the event loop: what was logged meanwhile goes out in one
    write when the green threads of this turn have run. A warning or error goes out at once, with
    the lines before it; what a process killed with ``kill -9`` had not written yet is lost."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.waiting.append(self.format(record) + self.terminator)
        except Exception:  # noqa: BLE001 - as logging's own handlers: reported, never raised
            self.handleError(record)
            return
        if record.levelno >= logging.WARNING:
            self.write_waiting()
        elif len(self.waiting) == 1:
            hubs.get_hub().schedule_call_global(0, self.write_waiting)

    def write_waiting(self) -> None:
        """Write the waiting lines (also from the hub, so without the handler's lock: no green
        thread is inside :meth:`emit` then, as emitting never yields)."""
        lines, self.waiting = "".join(self.waiting), []
        if lines:
            try:
                self.stream.write(lines)
                self.stream.flush()
            except (OSError, ValueError):  # the reader is gone: nowhere left to log to
                pass

    def flush(self) -> None:
        self.write_waiting()
