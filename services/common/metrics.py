"""Prometheus metrics of one process, served on ``/metrics`` when ``METRICS_PORT`` is set.

A service class gets them with one line, ``metrics = Metrics()``: every entrypoint call is then
counted by service, entrypoint and outcome, and timed. Other modules keep their own gauges with
``gauge("open_websockets", "…")``. Everything lives in prometheus_client's default registry, which
also carries the process's CPU, memory and open files.

``METRICS_PORT`` unset or 0 means no server. The server listens on every interface of the process's
host; processes sharing one host (several instances under ``make run``) each need their own port,
while containers each have their own network and can all use the same one.

``python -W ignore -m services.common.metrics`` is the container health check: exit 0 when this
process's ``/metrics`` answers on 127.0.0.1.
"""

from __future__ import annotations

import sys
import time
import urllib.request
from types import TracebackType
from typing import Any
from weakref import WeakKeyDictionary

import eventlet
from eventlet import wsgi
from eventlet.greenthread import GreenThread
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from prometheus_client import (
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    make_wsgi_app,
)

from services.common import config

ExcInfo = tuple[type[BaseException], BaseException, TracebackType]

disable_created_metrics()  # the `*_created` timestamps would double the output for nothing

CALLS = Counter(
    "setlist_entrypoint_calls",
    "Entrypoint calls; outcome is success, expected_error (a Setlist "
    "error meant for the caller, such as NotFound) or error (anything else).",
    ["service", "entrypoint", "outcome"],
)
LATENCY = Histogram(
    "setlist_entrypoint_latency_seconds",
    "Time from a worker's setup to its result.",
    ["service", "entrypoint"],
)

_gauges: dict[str, Gauge] = {}


def metrics_host() -> str:
    """``METRICS_HOST``: the interface ``/metrics`` listens on; this machine only unless a
    deployment opens it (Kubernetes and compose set 0.0.0.0 for their scraper and probes)."""
    return config.METRICS_HOST.value()


def metrics_port() -> int:
    """``METRICS_PORT``; 0 (also when unset or empty) means no ``/metrics`` server."""
    return config.METRICS_PORT.value()


def gauge(name: str, documentation: str, labelnames: tuple[str, ...] = ()) -> Gauge:
    """The process-wide gauge ``setlist_<name>``, made on first use: ``inc``, ``dec``, ``set``."""
    full_name = f"setlist_{name}"
    if full_name not in _gauges:
        _gauges[full_name] = Gauge(full_name, documentation, labelnames)
    return _gauges[full_name]


def outcome(error: BaseException | None, expected: type | tuple[type, ...]) -> str:
    """A call's outcome label: success, expected_error (`error` is one of `expected`) or error."""
    if error is None:
        return "success"
    if isinstance(error, expected):
        return "expected_error"
    return "error"


def count_call(service: str, entrypoint: str, result: str, seconds: float | None) -> None:
    """Count one entrypoint call with its outcome (:func:`outcome`), and time it when it was."""
    CALLS.labels(service, entrypoint, result).inc()
    if seconds is not None:
        LATENCY.labels(service, entrypoint).observe(seconds)


class MetricsServer:
    """The process's one ``/metrics`` listener, shared by every service container in the process:
    the first to start opens it, the last to stop closes it."""

    def __init__(self) -> None:
        self.users = 0
        self.socket: Any = None
        self.thread: GreenThread | None = None

    @property
    def port(self) -> int:
        port: int = self.socket.getsockname()[1]
        return port

    def acquire(self, port: int) -> None:
        if self.users == 0:
            self.socket = eventlet.listen((metrics_host(), port))
            self.thread = eventlet.spawn(
                wsgi.server, self.socket, make_wsgi_app(REGISTRY), log_output=False, debug=False
            )
        self.users += 1

    def release(self) -> None:
        self.users -= 1
        if self.users == 0 and self.thread is not None:
            self.thread.kill()
            self.socket.close()
            self.thread = self.socket = None


SERVER = MetricsServer()


class Metrics(DependencyProvider):
    """``metrics = Metrics()``: counts and times every entrypoint of the service; serves
    ``/metrics`` while the service runs if ``METRICS_PORT`` is set."""

    def __init__(self) -> None:
        self.serving = False
        self.started: WeakKeyDictionary[WorkerContext, float] = WeakKeyDictionary()

    def start(self) -> None:
        port = metrics_port()
        if port:
            SERVER.acquire(port)
            self.serving = True

    def stop(self) -> None:
        if self.serving:
            SERVER.release()
            self.serving = False

    def kill(self) -> None:
        self.stop()

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(
        self, worker_ctx: WorkerContext, result: Any = None, exc_info: ExcInfo | None = None
    ) -> None:
        started = self.started.pop(worker_ctx, None)
        entrypoint = worker_ctx.entrypoint
        count_call(
            worker_ctx.service_name,
            entrypoint.method_name,
            outcome(None if exc_info is None else exc_info[1], entrypoint.expected_exceptions),
            None if started is None else time.perf_counter() - started,
        )


def probe() -> int:
    """Exit status of a health check: 0 when ``/metrics`` answers on 127.0.0.1:``METRICS_PORT``."""
    port = metrics_port()
    if not port:
        print("METRICS_PORT is not set: nothing to probe", file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=4):
            return 0
    except OSError as exc:
        print(f"/metrics on port {port} did not answer: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(probe())
