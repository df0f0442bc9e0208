"""Jellyfin's time unit: 1 tick = 100 ns, so 10,000,000 ticks per second."""

from __future__ import annotations

TICKS_PER_SECOND = 10_000_000


def seconds_to_ticks(seconds: int | float) -> int:
    return int(round(seconds * TICKS_PER_SECOND))


def runtime_ticks(duration_seconds: int | None) -> int | None:
    """A catalogue duration as a runtime; None when unknown (a zero duration is unknown too)."""
    if not duration_seconds:
        return None
    return seconds_to_ticks(duration_seconds)
