"""Playback sessions: one per user, device and PlaySessionId, written by atomic upserts.

A start or progress report updates the session only when it is newer (by report time) than the
newest report the session has seen; a stop marks it inactive. ``last_seen_us`` (start, progress,
ping) is what the expiry timer looks at.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from services.common.database import rowcount
from services.common.principal import Principal
from services.playstate.models import PlaybackSession
from services.playstate.reports import PlaybackReport
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


def play_state(
    session: Session, user_id: str, device: str, play_session_id: str
) -> PlayState | None:
    """What the active session was playing as of its last report (None: no active session)."""
    row = session.execute(
        select(
            COLUMNS.item_id, COLUMNS.position_ticks, COLUMNS.is_paused, COLUMNS.last_report_us
        ).where(_key(user_id, device, play_session_id), COLUMNS.active.is_(True))
    ).first()
    return None if row is None else PlayState(*row)


def record(
    session: Session,
    user_id: str,
    device: str,
    item_id: str,
    report: PlaybackReport,
    now_us: int,
    reported_us: int,
    starting: bool,
) -> bool:
    """Open (`starting`) or update the session with the report's state; False if it was older
    than what the session already has. A progress report without a position keeps the last one."""
    state = report.session_state()
    if not starting and state["position_ticks"] is None:
        state.pop("position_ticks")
    changes = {
        **state,
        "item_id": item_id,
        "active": True,
        "last_seen_us": now_us,
        "last_report_us": reported_us,
    }
    if starting:
        changes["started_us"] = now_us
    statement = dialect_insert(session)(TABLE).values(
        {
            **report.session_state(),
            **changes,
            "started_us": now_us,
            "user_id": user_id,
            "device_key": device,
            "play_session_id": report.play_session_id,
        }
    )
    statement = statement.on_conflict_do_update(
        index_elements=[COLUMNS.user_id, COLUMNS.device_key, COLUMNS.play_session_id],
        set_=changes,
        where=COLUMNS.last_report_us < reported_us,
    )
    return session.execute(statement.returning(COLUMNS.id)).first() is not None


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
