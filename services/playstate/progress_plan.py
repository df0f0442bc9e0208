"""What a batch of progress reports writes and announces, worked out before anything is written.

A batch is applied as if its reports came one after the other (each against the session as the
ones before it left it), but written with one upsert per table for the whole batch
(`services/playstate/progress.py`): :func:`plan` folds the reports into the newest state of each
playback session and the newest position of each user's item, and says per report what it
announces. A report older than what its session already has (stored, or earlier in the batch)
changes nothing. Within one batch the reports on one user's item are merged: the newest position
is stored, and Played is set when any of them made it played (Played only ever becomes true on
progress). Their ``user_data_changed`` is announced once, with the last report that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from services.common.announcements import Announcement
from services.playstate import transitions
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item, Thresholds, position_outcome

#: a playback session: user, device key, PlaySessionId
SessionKey = tuple[str, str, str]
#: a user's data of an item: user, item
DataKey = tuple[str, str]


@dataclass
class Progress:
    """One resolved progress report."""

    user_id: str
    device: str
    report: PlaybackReport
    item: Item
    now_us: int
    reported_us: int

    @property
    def session(self) -> SessionKey:
        return self.user_id, self.device, self.report.play_session_id


@dataclass(frozen=True)
class StoredSession:
    """What the batch needs of a stored playback session."""

    state: transitions.PlayState
    active: bool


@dataclass(frozen=True)
class PositionWrite:
    """A user's item's newest reported position in the batch."""

    user_id: str
    item_id: str
    position_ticks: int
    played: bool
    reported_us: int


@dataclass
class Plan:
    """The batch's writes: each session's new row, each item's position (and which report's
    announcements its ``user_data_changed`` joins), and each report's announcements, in order."""

    sessions: dict[SessionKey, dict[str, Any]] = field(default_factory=dict)
    positions: dict[DataKey, PositionWrite] = field(default_factory=dict)
    announced_by: dict[DataKey, int] = field(default_factory=dict)
    announcements: list[list[Announcement]] = field(default_factory=list)


def plan(
    batch: list[Progress], stored: dict[SessionKey, StoredSession], thresholds: Thresholds
) -> Plan:
    """Fold `batch` (in order) into its writes, given the `stored` sessions it reports on."""
    result = Plan()
    sessions = dict(stored)
    for index, progress in enumerate(batch):
        key, report = progress.session, progress.report
        known = sessions.get(key)
        if known is not None and known.state.reported_us >= progress.reported_us:
            result.announcements.append([])  # older than what the session has: nothing
            continue
        before = known.state if known is not None and known.active else None
        position = report.position_ticks
        if position is None and known is not None:
            position = known.state.position_ticks
        after = transitions.PlayState(
            progress.item.id, position, report.is_paused, progress.reported_us
        )
        sessions[key] = StoredSession(after, active=True)
        result.sessions[key] = session_row(progress, position)
        result.announcements.append(_changes(progress, before, after))
        if report.position_ticks is not None:
            _merge_position(result, index, progress, thresholds)
    return result


def session_row(progress: Progress, position_ticks: int | None) -> dict[str, Any]:
    """The playback session's columns as `progress` leaves them (a new session starts now)."""
    user_id, device, play_session_id = progress.session
    return {
        **progress.report.session_state(),
        "position_ticks": position_ticks,
        "item_id": progress.item.id,
        "active": True,
        "started_us": progress.now_us,
        "last_seen_us": progress.now_us,
        "last_report_us": progress.reported_us,
        "user_id": user_id,
        "device_key": device,
        "play_session_id": play_session_id,
    }


def _changes(
    progress: Progress, before: transitions.PlayState | None, after: transitions.PlayState
) -> list[Announcement]:
    """A pause, resume, seek or other item, for those watching (transitions.py)."""
    kind = transitions.change(before, after)
    if kind is None:
        return []
    return [
        transitions.playback_changed(
            kind,
            progress.user_id,
            progress.device,
            progress.report.play_session_id,
            progress.item,
            after.position_ticks,
            after.is_paused,
            after.reported_us,
        )
    ]


def _merge_position(result: Plan, index: int, progress: Progress, thresholds: Thresholds) -> None:
    assert progress.report.position_ticks is not None
    outcome = position_outcome(progress.report.position_ticks, progress.item, thresholds)
    key = (progress.user_id, progress.item.id)
    earlier = result.positions.get(key)
    if earlier is not None and earlier.reported_us >= progress.reported_us:
        result.positions[key] = replace(earlier, played=earlier.played or outcome.played)
        return
    played = outcome.played or (earlier is not None and earlier.played)
    result.positions[key] = PositionWrite(
        *key, outcome.position_ticks, played, progress.reported_us
    )
    result.announced_by[key] = index
