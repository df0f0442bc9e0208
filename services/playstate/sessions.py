"""Playback sessions: one per user, device and PlaySessionId, written by atomic upserts.

A start or progress report updates the session only when it is newer (by report time) than the
newest report the session has seen; a stop marks it inactive. ``last_seen_us`` (start, progress,
ping) is what the expiry timer looks at.
"""

from __future__ import annotations

import functools
import hashlib
import operator
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, delete, func, select, update
from sqlalchemy.orm import Session

from services.common import json_rows
from services.common.database import rowcount
from services.common.principal import Principal
from services.playstate import progress_plan
from services.playstate.models import PlaybackSession
from services.playstate.progress_plan import SessionKey, StoredSession
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item
from services.playstate.transitions import PlayState
from services.playstate.userdata import dialect_insert

TABLE = cast(Table, PlaybackSession.__table__)
COLUMNS = TABLE.c
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def device_key(principal: Principal) -> str:
    """The MediaBrowser header's DeviceId, else the token's own device, else the token itself.
    A DeviceId longer than the column is kept by its SHA-256."""
    device = principal.device_id or f"token:{principal.token_id}"
    return device if len(device) <= 255 else "sha256:" + hashlib.sha256(device.encode()).hexdigest()


KEY = [COLUMNS.user_id, COLUMNS.device_key, COLUMNS.play_session_id]
KEY_NAMES = {column.name for column in KEY}


def _key(user_id: str, device: str, play_session_id: str) -> Any:
    return (
        (COLUMNS.user_id == user_id)
        & (COLUMNS.device_key == device)
        & (COLUMNS.play_session_id == play_session_id)
    )


def epoch_us(moment: datetime) -> int:
    """A moment as whole microseconds since the epoch (how report times are stored)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def current_item(session: Session, user_id: str, device: str, play_session_id: str) -> str | None:
    """The item this session is playing, if it is (for a report without ``ItemId``)."""
    return session.scalar(
        select(COLUMNS.item_id).where(
            _key(user_id, device, play_session_id), COLUMNS.active.is_(True)
        )
    )


def stored(session: Session, keys: Collection[SessionKey]) -> dict[SessionKey, StoredSession]:
    """The stored sessions of `keys` (active or not), as a batch of progress reports needs them."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(_stored_select(dialect), json_rows.keys_parameter(dialect, KEY, keys))
    return {
        (user, device, play_session): StoredSession(PlayState(*state), active)
        for user, device, play_session, *state, active in rows
    }


@functools.cache
def _stored_select(dialect: str) -> Any:
    """`stored`'s query, built once per dialect (the keys are one parameter, `json_rows`)."""
    return select(
        COLUMNS.user_id,
        COLUMNS.device_key,
        COLUMNS.play_session_id,
        COLUMNS.item_id,
        COLUMNS.position_ticks,
        COLUMNS.is_paused,
        COLUMNS.last_report_us,
        COLUMNS.active,
    ).where(json_rows.rows_in(dialect, KEY))


def start(
    session: Session,
    user_id: str,
    device: str,
    item: Item,
    report: PlaybackReport,
    now_us: int,
    reported_us: int,
) -> bool:
    """Open the session (or start it again) with the report's state; False if it was older than
    what the session already has."""
    row = progress_plan.session_row(
        progress_plan.Progress(user_id, device, report, item, now_us, reported_us),
        report.position_ticks,
    )
    statement = dialect_insert(session)(TABLE).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=KEY,
        set_={name: value for name, value in row.items() if name not in KEY_NAMES},
        where=COLUMNS.last_report_us < reported_us,
    )
    return session.execute(statement.returning(COLUMNS.id)).first() is not None


def record_progress(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write a batch's sessions (`progress_plan.session_row`, one per session) in one upsert: a
    session is updated only where the row is newer than it, keeps its start, and keeps its position
    where the row has none. The rows go in key order, so that two batches lock shared rows in the
    same order (no deadlock between playstate processes)."""
    rows = sorted(rows, key=operator.itemgetter(*(column.name for column in KEY)))
    json_rows.execute(session, _progress_upsert(dialect_insert(session)), rows)


@functools.cache
def _progress_upsert(insert: Any) -> Any:
    """The batch upsert, built once per dialect (executed with many rows: one cached statement,
    sent as one INSERT with the rows as JSON on PostgreSQL, `json_rows`).

    It returns the ids it wrote, which nobody reads: with the rows as parameter sets (SQLite),
    SQLAlchemy sends an ``ON CONFLICT DO UPDATE`` without ``RETURNING`` one row at a time (one call
    each, 32 for a batch of 32 sessions; SQLAlchemy issue #13130), and as one multi-row INSERT with
    it. One statement may not touch a row twice, which holds: a batch has one row per session
    (`progress_plan`)."""
    statement = json_rows.rows_insert(insert, TABLE)
    new = statement.excluded
    updated: dict[str, ColumnElement[Any]] = {
        column.name: new[column.name]
        for column in COLUMNS
        if column.name not in KEY_NAMES | {"id", "started_us"}
    }
    updated["position_ticks"] = func.coalesce(new.position_ticks, COLUMNS.position_ticks)
    return statement.on_conflict_do_update(
        index_elements=KEY, set_=updated, where=COLUMNS.last_report_us < new.last_report_us
    ).returning(COLUMNS.id)


def end(
    session: Session, user_id: str, device: str, play_session_id: str, reported_us: int
) -> None:
    """Mark the session stopped (if it exists and has seen nothing newer)."""
    session.execute(
        update(TABLE)
        .where(_key(user_id, device, play_session_id), COLUMNS.last_report_us < reported_us)
        .values(active=False, last_report_us=reported_us)
    )


def ping(session: Session, user_id: str, play_session_id: str, now_us: int) -> int:
    """Keep the caller's active sessions with this PlaySessionId alive; how many there were."""
    result = session.execute(
        update(TABLE)
        .where(
            COLUMNS.user_id == user_id,
            COLUMNS.play_session_id == play_session_id,
            COLUMNS.active.is_(True),
        )
        .values(last_seen_us=now_us)
    )
    return rowcount(result)


def playing_by_device(session: Session, user_id: str | None) -> dict[tuple[str, str], Any]:
    """(user, device) → the active session (row) reported last; of one user, or of all (None)."""
    statement = select(*COLUMNS).where(COLUMNS.active.is_(True))
    if user_id is not None:
        statement = statement.where(COLUMNS.user_id == user_id)
    playing: dict[tuple[str, str], Any] = {}
    for row in session.execute(statement.order_by(COLUMNS.last_report_us)):
        playing[(row.user_id, row.device_key)] = row
    return playing


def playing_items(session: Session, user_id: str) -> set[str]:
    """The items the user is playing now, on any device."""
    return set(
        session.scalars(
            select(COLUMNS.item_id).where(COLUMNS.user_id == user_id, COLUMNS.active.is_(True))
        )
    )


def silent_since(session: Session, cutoff_us: int, limit: int) -> list[Any]:
    """Active sessions (as rows) with no start, progress or ping since `cutoff_us`, oldest first."""
    return list(
        session.execute(
            select(*COLUMNS)
            .where(COLUMNS.active.is_(True), COLUMNS.last_seen_us < cutoff_us)
            .order_by(COLUMNS.last_seen_us)
            .limit(limit)
        )
    )


def active_on_device(session: Session, user_id: str, device: str) -> list[Any]:
    """The user's active sessions on one device (as rows, like ``silent_since``'s)."""
    return list(
        session.execute(
            select(*COLUMNS).where(
                COLUMNS.user_id == user_id, COLUMNS.device_key == device, COLUMNS.active.is_(True)
            )
        )
    )


def claim_silent(session: Session, session_id: int, last_seen_us: int) -> bool:
    """Stop a silent session unless it spoke meanwhile or another instance stopped it first."""
    result = session.execute(
        update(TABLE)
        .where(
            COLUMNS.id == session_id, COLUMNS.active.is_(True), COLUMNS.last_seen_us == last_seen_us
        )
        .values(active=False)
    )
    return rowcount(result) == 1


def purge_inactive(session: Session, before_us: int) -> int:
    """Forget stopped sessions whose last report is older than `before_us`."""
    result = session.execute(
        delete(TABLE).where(COLUMNS.active.is_(False), COLUMNS.last_report_us < before_us)
    )
    return rowcount(result)
