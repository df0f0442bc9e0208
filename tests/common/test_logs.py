"""Log lines carry the service and the correlation id of the worker that wrote them, and are written
once per turn of the event loop."""

import io
import json
import logging
from types import SimpleNamespace

import eventlet

from services.common.logs import (
    ConsoleHandler,
    ExpectedErrorFilter,
    LogContext,
    SetlistFormatter,
)


def record(message: str, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("x", logging.WARNING, __file__, 1, message, None, exc_info)


def worker(correlation_id=None):
    return SimpleNamespace(
        context_data={"correlation_id": correlation_id} if correlation_id else {},
        call_id="events.add.1",
        service_name="events",
    )


def test_json_line_has_service_and_correlation_id(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    context = LogContext()
    context.worker_setup(worker("req-1"))
    try:
        line = json.loads(SetlistFormatter().format(record("hello")))
    finally:
        context.worker_teardown(worker())
    assert line["message"] == "hello" and line["level"] == "WARNING"
    assert line["service"] == "events" and line["correlation_id"] == "req-1"


def test_call_id_stands_in_when_no_correlation_id_came_along(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "text")
    context = LogContext()
    context.worker_setup(worker())
    try:
        assert SetlistFormatter().format(record("x")).endswith("[events.add.1]")
    finally:
        context.worker_teardown(worker())


def test_context_is_per_green_thread(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    context = LogContext()
    seen = {}

    def work(name: str) -> None:
        context.worker_setup(worker(name))
        eventlet.sleep(0)
        seen[name] = json.loads(SetlistFormatter().format(record("m")))["correlation_id"]
        context.worker_teardown(worker())

    pool = eventlet.GreenPool()
    for name in ("a", "b"):
        pool.spawn(work, name)
    pool.waitall()
    assert seen == {"a": "a", "b": "b"}


def test_expected_errors_lose_their_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        entry = record("(expected) error handling worker", sys.exc_info())
    ExpectedErrorFilter().filter(entry)
    assert entry.exc_info is None


class Stream(io.StringIO):
    """stderr, counting the writes."""

    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def console() -> tuple[ConsoleHandler, Stream]:
    handler = ConsoleHandler()
    handler.stream = Stream()
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler, handler.stream


def info(message: str) -> logging.LogRecord:
    return logging.LogRecord("gateway.access", logging.INFO, __file__, 1, message, None, None)


def test_the_lines_of_one_turn_of_the_event_loop_are_one_write():
    handler, stream = console()
    for number in range(3):
        handler.handle(info(f"request {number}"))
    assert stream.getvalue() == ""  # the green threads of this turn are still running
    eventlet.sleep(0)
    assert (stream.getvalue(), stream.writes) == ("request 0\nrequest 1\nrequest 2\n", 1)
    handler.handle(info("request 3"))
    eventlet.sleep(0)
    assert stream.getvalue().endswith("request 2\nrequest 3\n") and stream.writes == 2


def test_a_warning_is_written_at_once_with_the_lines_before_it():
    handler, stream = console()
    handler.handle(info("request"))
    handler.handle(record("trouble"))
    assert stream.getvalue() == "request\ntrouble\n"


def test_flushing_writes_what_waits():
    handler, stream = console()
    handler.handle(info("last words"))
    handler.flush()
    assert stream.getvalue() == "last words\n"
