"""What start, progress and stop reports, and the expiry of a silent session, do to sessions and user
data. Plain functions over a database session, each returning the domain events to dispatch once the
caller has committed; the item is always resolved by the caller beforehand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from services.common.announcements import Announcement
from services.common.database import commit
from services.common.principal import Principal
from services.playstate import access, reports, sessions, transitions, userdata
from services.playstate.guids import optional_guid
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item, Thresholds, position_outcome
from services.playstate.userdata import UserData


class Reported(NamedTuple):
    """A playback report resolved before anything is written: whose, from which device, about
    which item (None: not known to the catalogue, or no session to take it from)."""

    user: str
    device: str
    report: PlaybackReport
    item: Item | None


def resolve(
    db: Session,
    items: Callable[[str], Item],
    principal: dict[str, Any],
    user_id: str | None,
    info: dict[str, Any],
    starting: bool = False,
) -> Reported:
    """Parse a start, progress or stop report and find its item: the report's, else (progress and
    stop) the one the session is playing."""
    report = reports.parse_report(info)
    caller = Principal.from_dict(principal)
    user = access.playing_user(caller, optional_guid(user_id, "userId"))
    device = sessions.device_key(caller)
    item_id = report.item_id
    if item_id is None and not starting:
        item_id = sessions.current_item(db, user, device, report.play_session_id)
        db.rollback()  # no transaction stays open across the catalogue lookup
    return Reported(user, device, report, items(item_id) if item_id else None)


def data_changed(data: UserData, item: Item) -> Announcement:
    return "user_data_changed", {
        "user_id": data.user_id,
        "item_id": data.item_id,
        "user_data": userdata.dto(data, item),
    }


def playback_event(
    kind: str,
    user_id: str,
    device: str,
    play_session_id: str,
    item: Item,
    position_ticks: int | None,
    **extra: Any,
) -> Announcement:
    return kind, {
        "user_id": user_id,
        "item_id": item.id,
        "device_id": device,
        "play_session_id": play_session_id,
        "position_ticks": position_ticks,
        **extra,
    }


def start(
    db: Session,
    user_id: str,
    device: str,
    report: PlaybackReport,
    item: Item,
    now: datetime,
    reported_us: int,
) -> list[Announcement]:
    """Open the session; PlayCount + 1, LastPlayedDate now, Played unless resumable."""
    sessions.start(db, user_id, device, item, report, sessions.epoch_us(now), reported_us)
    data = userdata.start(db, user_id, item, now, reported_us)
    return [
        playback_event(
            "playback_started", user_id, device, report.play_session_id, item, report.position_ticks
        ),
        data_changed(data, item),
        transitions.playback_changed(
            "start",
            user_id,
            device,
            report.play_session_id,
            item,
            report.position_ticks,
            report.is_paused,
            reported_us,
        ),
    ]


def stop_user_data(
    db: Session,
    user_id: str,
    item: Item,
    position_ticks: int | None,
    reported_us: int,
    thresholds: Thresholds,
) -> UserData:
    """A stop: the rules at the stop position, or PlayCount + 1 and played without one."""
    if position_ticks is None:
        return userdata.stop_without_position(db, user_id, item.id, reported_us)
    outcome = position_outcome(position_ticks, item, thresholds)
    return userdata.apply_position(db, user_id, item.id, outcome, reported_us)


def stop(
    db: Session,
    user_id: str,
    device: str,
    report: PlaybackReport,
    item: Item,
    reported_us: int,
    thresholds: Thresholds,
) -> list[Announcement]:
    """End the session; a failed playback changes no user data."""
    sessions.end(db, user_id, device, report.play_session_id, reported_us)
    stopped = playback_event(
        "playback_stopped",
        user_id,
        device,
        report.play_session_id,
        item,
        report.position_ticks,
        reason="failed" if report.failed else "stopped",
    )
    changed = transitions.playback_changed(
        "stop",
        user_id,
        device,
        report.play_session_id,
        item,
        report.position_ticks,
        False,
        reported_us,
    )
    if report.failed:
        return [stopped, changed]
    data = stop_user_data(db, user_id, item, report.position_ticks, reported_us, thresholds)
    return [stopped, data_changed(data, item), changed]


def expire(
    db: Session,
    silent: Any,
    item: Item | None,
    now_us: int,
    thresholds: Thresholds,
    reason: str = "expired",
) -> list[Announcement]:
    """Stop a silent session (a row of ``sessions.silent_since``) at its last reported position,
    unless it spoke meanwhile or another instance stopped it first. A session whose track left the
    catalogue (`item` None) just ends: only its play stops for those watching. Logging out ends a
    device's sessions the same way (`reason` "logout")."""
    if not sessions.claim_silent(db, silent.id, silent.last_seen_us):
        return []
    stopped = transitions.playback_changed(
        "stop",
        silent.user_id,
        silent.device_key,
        silent.play_session_id,
        item or Item(silent.item_id, None, False),
        silent.position_ticks,
        False,
        now_us,
    )
    if item is None:
        return [stopped]
    data = stop_user_data(db, silent.user_id, item, silent.position_ticks, now_us, thresholds)
    return [
        playback_event(
            "playback_stopped",
            silent.user_id,
            silent.device_key,
            silent.play_session_id,
            item,
            silent.position_ticks,
            reason=reason,
        ),
        data_changed(data, item),
        stopped,
    ]


def end_device(
    db: Session,
    user_id: str,
    device: str,
    known: Callable[[str], Item | None],
    now_us: int,
    thresholds: Thresholds,
) -> list[Announcement]:
    """Logging out: the user's sessions on `device` stop at their last reported position, as the
    idle timer would stop them (`reason` "logout"). No transaction stays open across the catalogue
    lookups."""
    playing = sessions.active_on_device(db, user_id, device)
    db.rollback()
    items = {row.item_id: known(row.item_id) for row in playing}
    return [
        announcement
        for row in playing
        for announcement in expire(db, row, items[row.item_id], now_us, thresholds, reason="logout")
    ]


def expire_silent(
    db: Session,
    cutoff_us: int,
    limit: int,
    known: Callable[[str], Item | None],
    now_us: int,
    thresholds: Thresholds,
    announce: Callable[[Session, list[Announcement]], None],
) -> None:
    """Stop at most `limit` sessions silent since `cutoff_us`, each in a transaction of its own
    whose announcements `announce` dispatches once it commits."""
    silent = sessions.silent_since(db, cutoff_us, limit)
    db.rollback()  # no transaction stays open across the catalogue lookups
    for row in silent:
        item = known(row.item_id)
        announce(db, expire(db, row, item, now_us, thresholds))
        commit(db)
