"""Progress reports coalesced: one RPC carries every report the gateway process has waiting.

A progress report is the hottest request, and one RPC per report costs playstate a worker and the
broker a round trip each time. Here each worker hands its report to the process's one
:class:`~services.common.batching.Batcher` and waits; the flusher sends everything waiting (at
most ``PLAYSTATE_PROGRESS_BATCH`` reports) as one ``playstate.playback_progress_batch``, and while
that call is under way the next reports gather (no timer: a lone report is sent at once).
playstate answers once the reports are committed, with each report's outcome, so every request
answers as a single call would have: 204, or its own error (`gateway/errors.py`). When the call
itself fails (playstate does not answer in time, the broker is down) every report of it gets that
error: a 503.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider

from gateway.rpc import TimedServiceProxy
from services.common import config
from services.common.batching import Batcher
from services.common.errors import SetlistError, from_data

#: one report: (its RPC item, and the playstate proxy of the worker that waits for it)
Waiting = tuple[dict[str, Any], TimedServiceProxy]


def send(batch: list[Waiting]) -> list[SetlistError | None]:
    """One call for the whole batch, through the proxy of its first report's worker (which waits
    for the answer, so its proxy is live); each report's error, or None."""
    playstate = batch[0][1]
    outcomes = playstate.playback_progress_batch([report for report, _ in batch])
    return [None if outcome is None else from_data(outcome) for outcome in outcomes]


class ProgressReports(DependencyProvider):
    """``report_progress = ProgressReports()``: ``self.report_progress(principal, user_id, info,
    reported_us)`` returns once playstate has committed the report, or raises its error."""

    def setup(self) -> None:
        self.batcher: Batcher[Waiting, SetlistError | None] = Batcher(
            send, config.PLAYSTATE_PROGRESS_BATCH.value()
        )

    def get_dependency(
        self, worker_ctx: Any
    ) -> Callable[[dict[str, Any], str | None, dict[str, Any], int], None]:
        service = worker_ctx.service  # its ``playstate`` proxy may be injected after this provider

        def report(
            principal: dict[str, Any], user_id: str | None, info: dict[str, Any], reported_us: int
        ) -> None:
            item = {
                "principal": principal,
                "user_id": user_id,
                "info": info,
                "reported_us": reported_us,
            }
            error = self.batcher.submit((item, service.playstate))
            if error is not None:
                raise error

        return report
