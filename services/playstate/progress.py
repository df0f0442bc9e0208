"""Progress reports, coalesced: many per RPC, and written in batches (group commit,
`services.common.batching`).

Progress is the hottest write and last-writer-wins: a report applies only when it is newer, by its
own report time, than what is stored, so a redelivered report changes nothing and needs no once-only
record. The gateway coalesces the reports it receives into one ``playback_progress_batch`` call
(`gateway/progress.py`); :func:`report_all` resolves each of them (caller, device, item: a report
that cannot be resolved gets its own error and spoils none of the others), then hands them all to
the process's :class:`ProgressBatches`, which applies what is waiting in one transaction with one
commit. The call is answered (each client's 204) only after that commit, so a read right after the
204 sees the report. When a batch fails, each of its reports is answered 503 and none of it is
stored. Start and stop stay once-only RPC writes of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session, sessionmaker

from services.common import config
from services.common.announcements import Announcement, Announcer
from services.common.batching import Batcher
from services.common.database import make_engine, make_sessionmaker, utcnow
from services.common.errors import ServiceUnavailable, SetlistError, as_data
from services.playstate import playback, progress_plan, sessions, userdata
from services.playstate.devices import Touches
from services.playstate.progress_plan import Progress
from services.playstate.rules import Item, Thresholds
from services.playstate.sessions import epoch_us

_log = logging.getLogger(__name__)

NOT_STORED = "The progress report could not be stored; try again."


#: what a report of a batch call comes to: None (done: a 204), or its error (`errors.as_data`)
Outcome = dict[str, Any] | None


def apply_all(
    db: Session, batch: list[Progress], thresholds: Thresholds
) -> list[list[Announcement]]:
    """Apply the batch's reports as if one after the other (`progress_plan`), with one read of
    their sessions and one upsert per table, in `db`'s one transaction, and commit; each report's
    domain events (to dispatch once committed)."""
    try:
        planned = progress_plan.plan(
            batch, sessions.stored(db, {progress.session for progress in batch}), thresholds
        )
        if planned.sessions:
            sessions.record_progress(db, list(planned.sessions.values()))
        if planned.positions:
            items = {(progress.user_id, progress.item.id): progress.item for progress in batch}
            for data in userdata.apply_positions(db, planned.positions.values()):
                key = (data.user_id, data.item_id)
                announced = planned.announcements[planned.announced_by[key]]
                announced.insert(0, playback.data_changed(data, items[key]))
        db.commit()
        return planned.announcements
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()


Batches = Batcher[Progress, list[Announcement]]


class ProgressBatches(DependencyProvider):
    """``progress = ProgressBatches(thresholds)``: ``self.progress.submit_all(reports)`` returns
    once the reports are committed with the others of their batch (at most
    ``PLAYSTATE_PROGRESS_BATCH`` reports): each report's domain events, or ServiceUnavailable when
    its batch failed."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds

    def setup(self) -> None:
        self.engine = make_engine(config.database_url("playstate"))
        self.make_session: sessionmaker[Session] = make_sessionmaker(self.engine)
        self.batcher: Batches = Batcher(self._write, config.PLAYSTATE_PROGRESS_BATCH.value())

    def stop(self) -> None:
        self.engine.dispose()

    def _write(self, batch: list[Progress]) -> list[list[Announcement]]:
        try:
            return apply_all(self.make_session(), batch, self.thresholds)
        except Exception as exc:
            _log.error("a batch of %d progress reports failed, none stored: %r", len(batch), exc)
            raise ServiceUnavailable(NOT_STORED) from exc

    def get_dependency(self, worker_ctx: Any) -> Batches:
        return self.batcher


def report_all(
    db: Session,
    items: Callable[[str], Item],
    touch: Touches,
    announce: Announcer,
    batches: Batches,
    reports: list[dict[str, Any]],
) -> list[Outcome]:
    """The outcome of each report (``principal``, ``user_id``, ``info``, ``reported_us``), in order.

    Each is resolved (:func:`playback.resolve`; its error is its outcome alone), then all are
    handed to `batches` together; once committed, each reporter's device is touched and the
    reports' domain events follow `db`'s commit (the RPC entrypoint's).
    """
    now_us = epoch_us(utcnow())
    outcomes: list[Outcome] = []
    resolved: dict[int, Progress] = {}  # by the report's index: those with an item to apply
    for index, report in enumerate(reports):
        try:
            user, device, parsed, item = playback.resolve(
                db, items, report["principal"], report["user_id"], report["info"]
            )
        except SetlistError as exc:
            outcomes.append(as_data(exc))
            continue
        outcomes.append(None)
        if item is not None:
            resolved[index] = Progress(user, device, parsed, item, now_us, report["reported_us"])
    announcements: list[Announcement] = []
    for index, result in zip(resolved, batches.submit_all(list(resolved.values())), strict=True):
        if not isinstance(result, Exception):
            announcements.extend(result)
        elif isinstance(result, SetlistError):
            outcomes[index] = as_data(result)
        else:
            raise result
    announce.announce_all(db, announcements)  # published together once `db` commits
    for report, outcome in zip(reports, outcomes, strict=True):
        if outcome is None:
            touch(db, report["principal"], hot=True)
    return outcomes
