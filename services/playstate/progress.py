"""Progress reports written in batches (group commit, `services.common.batching`).

Progress is the hottest write and last-writer-wins: a report applies only when it is newer, by its
own report time, than what is stored, so a redelivered report changes nothing and needs no once-only
record. The worker resolves the report (caller, device, item) as before, then hands it to the
process's :class:`ProgressBatches`; the batch's reports are applied in one transaction with one
commit, and each worker returns (its RPC reply, the client's 204) only after that commit, so a read
right after the 204 sees the report. When the batch fails, each of its reports gets a 503 and none
of it is stored. Start and stop stay once-only RPC writes of their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session, sessionmaker

from services.common import config
from services.common.announcements import Announcement
from services.common.batching import Batcher
from services.common.database import make_engine, make_sessionmaker
from services.common.errors import ServiceUnavailable
from services.playstate import playback
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item, Thresholds

_log = logging.getLogger(__name__)

NOT_STORED = "The progress report could not be stored; try again."


@dataclass
class Progress:
    """One resolved progress report; ``announcements`` are its domain events once it is applied."""

    user_id: str
    device: str
    report: PlaybackReport
    item: Item
    now_us: int
    reported_us: int
    announcements: list[Announcement] = field(default_factory=list)


def apply_all(db: Session, batch: list[Progress], thresholds: Thresholds) -> None:
    """Apply the batch's reports in order, in `db`'s one transaction, and commit.

    This loop is where a per-report "what changed" hook belongs (now playing: pause, resume, seek):
    it runs for each report with the report and, read here in one query for the whole batch, the
    session state stored before it; what it returns joins the report's announcements.
    """
    try:
        for progress in batch:
            progress.announcements = playback.progress(
                db,
                progress.user_id,
                progress.device,
                progress.report,
                progress.item,
                progress.now_us,
                progress.reported_us,
                thresholds,
            )
        db.commit()
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()


class ProgressBatches(DependencyProvider):
    """``progress = ProgressBatches(thresholds)``: ``self.progress(report)`` returns once the report
    is committed with the others of its batch (at most ``PLAYSTATE_PROGRESS_BATCH`` reports), or
    raises ServiceUnavailable when its batch failed."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds

    def setup(self) -> None:
        self.engine = make_engine(config.database_url("playstate"))
        self.make_session: sessionmaker[Session] = make_sessionmaker(self.engine)
        self.batcher: Batcher[Progress] = Batcher(
            self._write, config.PLAYSTATE_PROGRESS_BATCH.value()
        )

    def stop(self) -> None:
        self.engine.dispose()

    def _write(self, batch: list[Progress]) -> None:
        try:
            apply_all(self.make_session(), batch, self.thresholds)
        except Exception as exc:
            _log.error("a batch of %d progress reports failed, none stored: %r", len(batch), exc)
            raise ServiceUnavailable(NOT_STORED) from exc

    def get_dependency(self, worker_ctx: Any) -> Batcher[Progress]:
        return self.batcher
