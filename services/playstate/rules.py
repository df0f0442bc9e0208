"""Jellyfin's play-state rules, as pure functions (API.md §3).

``position_outcome`` is Jellyfin's ``UserDataManager.UpdatePlayState``: given a reported position and
the item's runtime it says which position to keep and whether the item now counts as played. The
caller applies the outcome atomically in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common import config
from services.playstate.ticks import TICKS_PER_SECOND


@dataclass(frozen=True)
class Thresholds:
    """Jellyfin's MinResumePct, MaxResumePct and MinResumeDurationSeconds."""

    min_resume_pct: float = 5.0
    max_resume_pct: float = 90.0
    min_resume_duration_seconds: float = 300.0

    @classmethod
    def from_env(cls) -> Thresholds:
        """``PLAYSTATE_MIN_RESUME_PCT``, ``PLAYSTATE_MAX_RESUME_PCT``,
        ``PLAYSTATE_MIN_RESUME_DURATION_SECONDS`` (README's configuration table)."""
        return cls(
            config.PLAYSTATE_MIN_RESUME_PCT.value(),
            config.PLAYSTATE_MAX_RESUME_PCT.value(),
            config.PLAYSTATE_MIN_RESUME_DURATION_SECONDS.value(),
        )


@dataclass(frozen=True)
class Item:
    """What the rules need to know of a catalogue track."""

    id: str  #: 32-hex GUID
    runtime_ticks: int | None  #: None when the duration is unknown
    resumable: bool
    name: str = ""  #: what a session's NowPlayingItem and continue listening show
    artist: str = ""
    track: int | None = None  #: the catalogue's integer id


@dataclass(frozen=True)
class Outcome:
    """The position to store, and whether the item becomes played (False: Played unchanged)."""

    position_ticks: int
    played: bool


def position_outcome(position_ticks: int, item: Item, thresholds: Thresholds) -> Outcome:
    """The rules for a reported position (progress of a resumable item, or a stop).

    Known runtime and position > 0: below MinResumePct → position 0, Played unchanged; above
    MaxResumePct or at the end → played, position 0; else a runtime under MinResumeDuration →
    played, position 0; else keep the position. Unknown runtime → played, position 0. A
    non-resumable item (Jellyfin's Audio) never keeps a position.
    """
    runtime = item.runtime_ticks
    position, played = position_ticks, False
    if runtime is None:
        position, played = 0, True
    elif position > 0:
        percent = position * 100 / runtime
        if percent < thresholds.min_resume_pct:
            position = 0
        elif percent > thresholds.max_resume_pct or position >= runtime:
            position, played = 0, True
        elif runtime < thresholds.min_resume_duration_seconds * TICKS_PER_SECOND:
            position, played = 0, True
    if not item.resumable:
        position = 0
    return Outcome(position, played)


def played_percentage(position_ticks: int, item: Item) -> float | None:
    """position / runtime × 100 when both are known and the result is above 0, else None."""
    if position_ticks <= 0 or not item.runtime_ticks:
        return None
    return position_ticks * 100 / item.runtime_ticks
