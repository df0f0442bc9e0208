"""Progress reports: many per RPC, and most of them without a nameko worker of their own.

A progress report is the hottest request. One RPC per report would cost playstate a worker and the
broker a round trip each time, so the reports a gateway process has waiting go to playstate
together: :class:`ProgressQueue` hands them to one :class:`~services.common.batching.Batcher`,
whose flusher sends everything waiting (at most ``PLAYSTATE_PROGRESS_BATCH`` reports) as one
``playstate.playback_progress_batch``; while that call is under way the next reports gather (no
timer: a lone report is sent at once), and once ``GATEWAY_PROGRESS_GATHER`` of them wait they go in
a call of their own (at most ``GATEWAY_PROGRESS_CALLS`` under way): playstate then writes one batch
while the gateway answers and reads the next, instead of the two taking turns. playstate answers
once the reports are committed, with each report's outcome, so every request answers as a single
call would have: 204, or its own error (`gateway/errors.py`). When the call itself fails (playstate
does not answer in time, the broker is down) every report of it gets that error: a 503.

A worker per report would also cost the gateway a third of its time per report (spawning it,
injecting a dozen dependencies, their hooks). So a progress route (:class:`ProgressRoute`) runs its
handler in the web server's green thread, on a stand-in of the service that has only what the
handler uses — the caller from the process's principal cache, and the queue. When the caller is not
cached (a first request, or after ``PRINCIPAL_CACHE_SECONDS``), the request is handed to a worker as
any other route's, which asks accounts. Either way the handler is the same code, the request is
counted in the metrics and carries its correlation id, and the batch call carries the correlation id
of its first report. A graceful stop waits for the reports in flight.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from eventlet.event import Event
from nameko.constants import NON_PERSISTENT
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider, SharedExtension
from nameko.rpc import MethodProxy, ReplyListener
from werkzeug.wrappers import Response

from gateway.auth import Authenticator, Principals
from gateway.http import GatewayRequest, Route
from gateway.rpc import RPC_TIMEOUT, TimedMethod
from services.common import config
from services.common.batching import Batcher
from services.common.errors import SetlistError, from_data
from services.common.logs import set_context
from services.common.metrics import count_call, outcome

_log = logging.getLogger(__name__)


class ReportProgress(Protocol):
    """``report_progress(principal, user_id, info, reported_us)``: returns once playstate has
    committed the report, or raises its error."""

    def __call__(
        self, principal: dict[str, Any], user_id: str | None, info: dict[str, Any], reported_us: int
    ) -> None: ...


@dataclass(frozen=True, slots=True)
class Waiting:
    """One report of the queue: its RPC item, and the context data of the request that sent it."""

    item: dict[str, Any]
    context_data: dict[str, Any]


class BatchCall:
    """What a batch call is made on behalf of (nameko names a call's id after its entrypoint)."""

    method_name = "progress_batch"


class ProgressQueue(SharedExtension):
    """The process's progress reports on their way to playstate (one per service container)."""

    reply_listener = ReplyListener()  # the one the service's RPC proxies share

    def setup(self) -> None:
        self.batcher: Batcher[Waiting, SetlistError | None] = Batcher(
            self._send,
            config.PLAYSTATE_PROGRESS_BATCH.value(),
            writers=config.GATEWAY_PROGRESS_CALLS.value(),
            gather=config.GATEWAY_PROGRESS_GATHER.value(),
        )

    def report(
        self,
        context_data: dict[str, Any],
        principal: dict[str, Any],
        user_id: str | None,
        info: dict[str, Any],
        reported_us: int,
    ) -> None:
        """A :class:`ReportProgress` once bound to the request's context data."""
        item = {
            "principal": principal,
            "user_id": user_id,
            "info": info,
            "reported_us": reported_us,
        }
        error = self.batcher.submit(Waiting(item, context_data))
        if error is not None:
            raise error

    def _send(self, batch: list[Waiting]) -> list[SetlistError | None]:
        """One call for the whole batch; each report's error, or None."""
        outcomes = self.call_playstate([waiting.item for waiting in batch], batch[0].context_data)
        return [None if outcome is None else from_data(outcome) for outcome in outcomes]

    def call_playstate(
        self, items: list[dict[str, Any]], context_data: dict[str, Any]
    ) -> list[dict[str, Any] | None]:
        """``playstate.playback_progress_batch(items)`` as the service's RPC proxies call it
        (transient messages, ServiceUnavailable after ``RPC_TIMEOUT_SECONDS``), made without a
        worker as nameko's standalone proxies make theirs."""
        worker_ctx = WorkerContext(self.container, None, BatchCall, data=dict(context_data))
        method = MethodProxy(
            worker_ctx,
            "playstate",
            "playback_progress_batch",
            self.reply_listener,
            delivery_mode=NON_PERSISTENT,
        )
        outcomes: list[dict[str, Any] | None] = TimedMethod(method, "playstate", RPC_TIMEOUT)(items)
        return outcomes


class ProgressReports(DependencyProvider):
    """``report_progress = ProgressReports()``: a worker's :class:`ReportProgress`."""

    queue = ProgressQueue()

    def get_dependency(self, worker_ctx: Any) -> ReportProgress:
        return functools.partial(self.queue.report, worker_ctx.context_data)


class NeedsWorker(Exception):
    """The caller is not in the principal cache: only a worker can ask accounts who it is."""


def _needs_worker(token: str) -> dict[str, Any]:
    raise NeedsWorker()


class ProgressRoute(Route):
    """``@progress_route("POST", "/sessions/playing/progress")``: a route whose handler uses only
    ``self._caller(request)`` (``self.auth``) and ``self.report_progress``, and which therefore
    runs without a worker while the caller is cached."""

    queue = ProgressQueue()
    principals = Principals()
    quiet = True  # a report every few seconds per client: its access line is DEBUG

    def setup(self) -> None:
        super().setup()
        self.in_flight = 0
        self.drained: Event | None = None

    def stop(self) -> None:
        super().stop()  # new requests are refused from now on
        if self.in_flight:
            self.drained = Event()
            self.drained.wait()

    def handle_request(self, request: GatewayRequest) -> Response:
        self.in_flight += 1
        try:
            return self._answer(request)
        finally:
            self.in_flight -= 1
            if not self.in_flight and self.drained is not None and not self.drained.ready():
                self.drained.send()

    def _answer(self, request: GatewayRequest) -> Response:
        started = time.perf_counter()
        request.shallow = False  # the handler reads the body (nameko's handler does the same)
        context_data = self.server.context_data_from_headers(request)
        path_values = request.path_values
        error: BaseException | None = None
        set_context(self.container.service_name, request.correlation_id)
        try:
            self.check_signature((request,), path_values)
            handler = getattr(self._stand_in(context_data), self.method_name)
            response = self.response_from_result(handler(request, **path_values))
        except NeedsWorker:
            return super().handle_request(request)  # counted and timed by the worker
        except Exception as exc:  # noqa: BLE001 - answered as a worker's error would be
            error = exc
            if isinstance(exc, self.expected_exceptions):
                _log.warning("(expected) error handling %s: %r", self.method_name, exc)
            response = self.response_from_exception(exc)
        finally:
            set_context(None, None)
        response.headers["X-Request-Id"] = request.correlation_id
        count_call(
            self.container.service_name,
            self.method_name,
            outcome(error, self.expected_exceptions),
            time.perf_counter() - started,
        )
        return response

    def _stand_in(self, context_data: dict[str, Any]) -> Any:
        """The service instance a worker would have, with only the process-wide dependencies of
        a progress route: the cache alone as ``auth``, the queue as ``report_progress``."""
        service = self.container.service_cls()
        service.auth = Authenticator(self.principals.cache, _needs_worker, self.principals.known)
        service.report_progress = functools.partial(self.queue.report, context_data)
        return service


progress_route = ProgressRoute.decorator
