"""Per-user item data: each Jellyfin action as one atomic upsert, and the UserItemDataDto.

Every write is a single ``INSERT … ON CONFLICT (user_id, item_id) DO UPDATE`` whose new values are
computed by the database from the row's current ones (``play_count + 1``), so concurrent writes for
one user and item are never lost and no row is read first or held across anything else. A progress
report applies only when it is newer than the newest report already applied (``reported_us``); the
other actions always apply and move ``reported_us`` forward.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, case, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.common import json_rows
from services.common.database import UTCDateTime
from services.playstate.models import UserItemData
from services.playstate.progress_plan import PositionWrite
from services.playstate.rules import Item, Outcome, played_percentage

TABLE = cast(Table, UserItemData.__table__)
COLUMNS = TABLE.c


@dataclass(frozen=True)
class UserData:
    user_id: str
    item_id: str
    played: bool = False
    play_count: int = 0
    playback_position_ticks: int = 0
    last_played_date: datetime | None = None
    is_favorite: bool = False
    rating: float | None = None
    likes: bool | None = None

    @classmethod
    def from_row(cls, row: Any) -> UserData:
        fields = row._mapping
        return cls(**{name: fields[name] for name in cls.__dataclass_fields__})


def iso_utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dto(data: UserData, item: Item) -> dict[str, Any]:
    """Jellyfin's UserItemDataDto: PascalCase, null fields left out, GUIDs as 32 hex."""
    body: dict[str, Any] = {
        "PlaybackPositionTicks": data.playback_position_ticks,
        "PlayCount": data.play_count,
        "IsFavorite": data.is_favorite,
        "Played": data.played,
        "Key": data.item_id,
        "ItemId": data.item_id,
    }
    percentage = played_percentage(data.playback_position_ticks, item)
    if percentage is not None:
        body["PlayedPercentage"] = percentage
    if data.last_played_date is not None:
        body["LastPlayedDate"] = iso_utc(data.last_played_date)
    if data.rating is not None:
        body["Rating"] = data.rating
    if data.likes is not None:
        body["Likes"] = data.likes
    return body


def get(session: Session, user_id: str, item_id: str) -> UserData:
    """The stored data, or Jellyfin's defaults for an item the user never touched."""
    row = session.execute(
        select(*COLUMNS).where(COLUMNS.user_id == user_id, COLUMNS.item_id == item_id)
    ).first()
    return UserData.from_row(row) if row else UserData(user_id, item_id)


def dialect_insert(session: Session) -> Any:
    """`insert` of the session's dialect, which has ``on_conflict_do_update``."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _later(reported_us: int) -> ColumnElement[int]:
    return case((COLUMNS.reported_us < reported_us, reported_us), else_=COLUMNS.reported_us)


def _upsert(
    session: Session,
    user_id: str,
    item_id: str,
    reported_us: int,
    created: dict[str, Any],
    changes: dict[str, Any],
) -> UserData:
    """Insert the row as `created`, or apply `changes` to the existing one; the row as stored."""
    insert = dialect_insert(session)
    statement = insert(TABLE).values(_new_row(user_id, item_id, reported_us, created))
    statement = statement.on_conflict_do_update(
        index_elements=[COLUMNS.user_id, COLUMNS.item_id],
        set_={**changes, "reported_us": _later(reported_us)},
    )
    return UserData.from_row(session.execute(statement.returning(*COLUMNS)).one())


def _new_row(
    user_id: str, item_id: str, reported_us: int, created: dict[str, Any]
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "item_id": item_id,
        "reported_us": reported_us,
        "played": False,
        "play_count": 0,
        "playback_position_ticks": 0,
        "is_favorite": False,
        **created,
    }


def mark_played(
    session: Session,
    user_id: str,
    item_id: str,
    date_played: datetime | None,
    now: datetime,
    reported_us: int,
) -> UserData:
    """Played, position 0; PlayCount + 1 only with a date, and at least 1; LastPlayedDate = the
    date, else the old value, else now."""
    if date_played is not None:
        count: Any = COLUMNS.play_count + 1
        last: Any = date_played
    else:
        count = case((COLUMNS.play_count < 1, 1), else_=COLUMNS.play_count)
        last = func.coalesce(COLUMNS.last_played_date, literal(now, UTCDateTime()))
    created = {
        "played": True,
        "play_count": 1,
        "playback_position_ticks": 0,
        "last_played_date": date_played or now,
    }
    changes = {
        "played": True,
        "play_count": count,
        "playback_position_ticks": 0,
        "last_played_date": last,
    }
    return _upsert(session, user_id, item_id, reported_us, created, changes)


def mark_unplayed(session: Session, user_id: str, item_id: str, reported_us: int) -> UserData:
    values = {
        "played": False,
        "play_count": 0,
        "playback_position_ticks": 0,
        "last_played_date": None,
    }
    return _upsert(session, user_id, item_id, reported_us, values, values)


def start(session: Session, user_id: str, item: Item, now: datetime, reported_us: int) -> UserData:
    """PlayCount + 1, LastPlayedDate now, Played for a non-resumable item, not for a resumable."""
    played = not item.resumable
    created = {"play_count": 1, "last_played_date": now, "played": played}
    changes = {"play_count": COLUMNS.play_count + 1, "last_played_date": now, "played": played}
    return _upsert(session, user_id, item.id, reported_us, created, changes)


def apply_position(
    session: Session, user_id: str, item_id: str, outcome: Outcome, reported_us: int
) -> UserData:
    """Store a position the rules decided on (a stop's); Played becomes true or stays as it is."""
    created = {"playback_position_ticks": outcome.position_ticks, "played": outcome.played}
    changes: dict[str, Any] = {"playback_position_ticks": outcome.position_ticks}
    if outcome.played:
        changes["played"] = True
    return _upsert(session, user_id, item_id, reported_us, created, changes)


def apply_positions(session: Session, positions: Collection[PositionWrite]) -> list[UserData]:
    """Store a batch's progress positions (one per user and item) in one upsert, each only where it
    is newer than the newest report applied to its row; the rows it changed, as stored. The rows
    go in key order (two batches lock shared rows in the same order: no deadlock)."""
    rows = [
        _new_row(
            write.user_id,
            write.item_id,
            write.reported_us,
            {"playback_position_ticks": write.position_ticks, "played": write.played},
        )
        for write in sorted(positions, key=lambda write: (write.user_id, write.item_id))
    ]
    changed = json_rows.execute(session, _positions_upsert(dialect_insert(session)), rows)
    return [UserData.from_row(row) for row in changed]


@functools.cache
def _positions_upsert(insert: Any) -> Any:
    """The batch upsert, built once per dialect (executed with many rows: one cached statement,
    sent as one INSERT with the rows as JSON on PostgreSQL, `json_rows`)."""
    statement = json_rows.rows_insert(insert, TABLE)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[COLUMNS.user_id, COLUMNS.item_id],
        set_={
            "playback_position_ticks": new.playback_position_ticks,
            "played": COLUMNS.played | new.played,
            "reported_us": new.reported_us,
        },
        where=COLUMNS.reported_us < new.reported_us,
    ).returning(*COLUMNS)


def stop_without_position(
    session: Session, user_id: str, item_id: str, reported_us: int
) -> UserData:
    """A client that cannot say where it stopped: PlayCount + 1, Played, position 0."""
    created = {"play_count": 1, "played": True, "playback_position_ticks": 0}
    changes = {"play_count": COLUMNS.play_count + 1, "played": True, "playback_position_ticks": 0}
    return _upsert(session, user_id, item_id, reported_us, created, changes)
