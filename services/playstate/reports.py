"""Reading what Jellyfin clients send: query strings and PlaybackStart/Progress/StopInfo bodies.

Input arrives as a dict with lower-cased keys (the gateway lower-cases query names and body keys).
Values are read as Jellyfin's ASP.NET binding reads them: booleans ``true``/``false`` in any case,
numbers also as strings, enums by name (any case) or by number, explicit nulls as absent; unknown keys
are ignored. Anything unreadable is a BadRequest naming the parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.common.errors import BadRequest
from services.playstate.guids import optional_guid

PLAY_METHODS = ("Transcode", "DirectStream", "DirectPlay")
REPEAT_MODES = ("RepeatNone", "RepeatAll", "RepeatOne")
MAX_TEXT = 255  #: ids kept in the session (PlaySessionId, MediaSourceId, …)
_INTEGER = re.compile(r"^[+-]?\d+$")
_COMPACT_DATE = re.compile(r"^\d{14}$")
# a '+' of an offset that arrived unencoded in a query string reads as a space
_SPACED_OFFSET = re.compile(r"^(.*T[\d:.]+) (\d{2}:?\d{2})$")


def _invalid(value: Any, name: str) -> BadRequest:
    return BadRequest(f"The value '{value}' is not valid for {name}.")


def read_int(data: dict[str, Any], name: str, bits: int = 32) -> int | None:
    """An integer that fits in `bits` bits (Jellyfin's int or, for ticks, long)."""
    value = data.get(name.lower())
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.match(value.strip()):
        number = int(value.strip())
    if number is None or not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise _invalid(value, name)
    return number


def read_bool(data: dict[str, Any], name: str, default: bool = False) -> bool:
    value = data.get(name.lower())
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _invalid(value, name)


def read_text(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name.lower())
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _invalid(value, name)
    if len(str(value)) > MAX_TEXT:
        raise BadRequest(f"{name} is longer than {MAX_TEXT} characters.")
    return str(value)


def read_enum(data: dict[str, Any], name: str, names: tuple[str, ...]) -> str | None:
    """An enum by name in any case, or by its number (also as a string); its canonical name."""
    value = data.get(name.lower())
    if value is None or value == "":
        return None
    if isinstance(value, str):
        by_name = {member.lower(): member for member in names}
        if value.strip().lower() in by_name:
            return by_name[value.strip().lower()]
    try:
        index = read_int({"v": value}, "v")
    except BadRequest:
        index = None
    if index is not None and 0 <= index < len(names):
        return names[index]
    raise _invalid(value, name)


def read_position(data: dict[str, Any], name: str = "PositionTicks") -> int | None:
    position = read_int(data, name, bits=64)
    if position is not None and position < 0:
        raise BadRequest(f"{name} must not be negative.")
    return position


def parse_date(value: str | None, name: str = "datePlayed") -> datetime | None:
    """ISO 8601 with or without offset (without: UTC), or ``yyyyMMddHHmmss``; None when absent."""
    if value is None or value == "":
        return None
    text = value.strip()
    try:
        if _COMPACT_DATE.match(text):
            parsed = datetime.strptime(text, "%Y%m%d%H%M%S")
        else:
            spaced = _SPACED_OFFSET.match(text)
            if spaced:
                text = f"{spaced.group(1)}+{spaced.group(2)}"
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise _invalid(value, name) from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is before UTC's year 1
        raise _invalid(value, name) from None


@dataclass(frozen=True)
class PlaybackReport:
    """One start, progress or stop report, from query parameters or a Playback*Info body."""

    item_id: str | None
    play_session_id: str = ""
    position_ticks: int | None = None
    is_paused: bool = False
    is_muted: bool = False
    volume_level: int | None = None
    repeat_mode: str = "RepeatNone"
    play_method: str | None = None
    can_seek: bool = False
    media_source_id: str | None = None
    audio_stream_index: int | None = None
    subtitle_stream_index: int | None = None
    live_stream_id: str | None = None
    next_media_type: str | None = None
    failed: bool = False

    def session_state(self) -> dict[str, Any]:
        """The columns of a playback session this report sets."""
        return {
            "position_ticks": self.position_ticks,
            "is_paused": self.is_paused,
            "is_muted": self.is_muted,
            "volume_level": self.volume_level,
            "repeat_mode": self.repeat_mode,
            "play_method": self.play_method,
            "can_seek": self.can_seek,
            "media_source_id": self.media_source_id,
            "audio_stream_index": self.audio_stream_index,
            "subtitle_stream_index": self.subtitle_stream_index,
            "live_stream_id": self.live_stream_id,
        }


def parse_report(data: dict[str, Any]) -> PlaybackReport:
    """A report from lower-cased keys; the item id may be absent (a body without ``ItemId``)."""
    return PlaybackReport(
        item_id=optional_guid(data.get("itemid"), "ItemId"),
        play_session_id=read_text(data, "PlaySessionId") or "",
        position_ticks=read_position(data),
        is_paused=read_bool(data, "IsPaused"),
        is_muted=read_bool(data, "IsMuted"),
        volume_level=read_int(data, "VolumeLevel"),
        repeat_mode=read_enum(data, "RepeatMode", REPEAT_MODES) or "RepeatNone",
        play_method=read_enum(data, "PlayMethod", PLAY_METHODS),
        can_seek=read_bool(data, "CanSeek"),
        media_source_id=read_text(data, "MediaSourceId"),
        audio_stream_index=read_int(data, "AudioStreamIndex"),
        subtitle_stream_index=read_int(data, "SubtitleStreamIndex"),
        live_stream_id=read_text(data, "LiveStreamId"),
        next_media_type=read_text(data, "NextMediaType"),
        failed=read_bool(data, "Failed"),
    )
