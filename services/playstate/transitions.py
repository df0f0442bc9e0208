"""What a playback report changes for those watching a user play (API.md §4 "now playing"): a
start, pause, resume, seek or stop — or nothing, when the position only advances as time does.

``change(before, after)`` compares the session's state before a report with the report. A seek is
a reported position more than ``SEEK_TOLERANCE_TICKS`` (2 s) away from where the previous one plus
the time since (none while paused) puts it. ``playback_changed`` is the domain event playstate
dispatches for each change: it names the user, the catalogue track (integer id and GUID), the
device and play session, the position, whether paused, and the report's time. Playstate knows
nothing of rooms: the realtime service decides who hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from services.playstate.rules import Item
from services.playstate.ticks import TICKS_PER_SECOND

Change = Literal["start", "pause", "resume", "seek", "stop"]
SEEK_TOLERANCE_TICKS = 2 * TICKS_PER_SECOND
TICKS_PER_US = 10


@dataclass(frozen=True)
class PlayState:
    """A session's state as of one report."""

    item_id: str
    position_ticks: int | None
    is_paused: bool
    reported_us: int


def change(before: PlayState | None, after: PlayState) -> Change | None:
    """What `after` (a progress report) changes relative to `before` (the session until now; None
    when there was none): another item is a start; a change of pause state a pause or resume;
    a jump of the position a seek; anything else nothing."""
    if before is None or before.item_id != after.item_id:
        return "start"
    if before.is_paused != after.is_paused:
        return "pause" if after.is_paused else "resume"
    if before.position_ticks is None or after.position_ticks is None:
        return None
    elapsed = 0 if before.is_paused else (after.reported_us - before.reported_us) * TICKS_PER_US
    if abs(after.position_ticks - (before.position_ticks + elapsed)) > SEEK_TOLERANCE_TICKS:
        return "seek"
    return None


def playback_changed(
    kind: Change,
    user_id: str,
    device: str,
    play_session_id: str,
    item: Item,
    position_ticks: int | None,
    is_paused: bool,
    reported_us: int,
) -> tuple[str, dict[str, Any]]:
    """The ``playback_changed`` domain event of a change."""
    return "playback_changed", {
        "change": kind,
        "user_id": user_id,
        "item_id": item.id,
        "track": item.track,
        "device_id": device,
        "play_session_id": play_session_id,
        "position_ticks": position_ticks,
        "is_paused": is_paused,
        "time_us": reported_us,
    }
