"""Playback flows on the real database: what start, progress, stop and expiry write and announce."""

from datetime import UTC, datetime

import pytest

from services.playstate import playback, sessions, userdata
from services.playstate.progress import Progress, apply_all
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item, Thresholds

USER = "1" * 32
HOUR = Item("2" * 32, 36_000_000_000, resumable=True)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
RULES = Thresholds()


@pytest.fixture
def db(session_for):
    return session_for("playstate")


def report(position=None, failed=False):
    return PlaybackReport(
        item_id=HOUR.id, play_session_id="p", position_ticks=position, failed=failed
    )


def progress(db, played, now_us, reported_us):
    """What one progress report announces, applied as a batch of its own."""
    [announced] = apply_all(db, [Progress(USER, "tv", played, HOUR, now_us, reported_us)], RULES)
    return announced


def test_start_progress_stop(db):
    kinds = [kind for kind, _ in playback.start(db, USER, "tv", report(), HOUR, NOW, 1)]
    assert kinds == ["playback_started", "user_data_changed", "playback_changed"]
    [(kind, payload)] = progress(db, report(9_000_000_000), 2, 2)
    assert payload["user_data"]["PlaybackPositionTicks"] == 9_000_000_000
    assert progress(db, report(1), 3, 1) == []  # older
    assert progress(db, report(), 3, 3) == []  # no position
    (stopped, payload), (_, data), (_, change) = playback.stop(
        db, USER, "tv", report(20_000_000_000), HOUR, 4, RULES
    )
    assert stopped == "playback_stopped" and payload["reason"] == "stopped"
    assert (change["change"], change["time_us"]) == ("stop", 4)
    assert data["user_data"]["PlaybackPositionTicks"] == 20_000_000_000
    assert sessions.current_item(db, USER, "tv", "p") is None


def test_failed_stop_only_ends_the_session(db):
    playback.start(db, USER, "tv", report(), HOUR, NOW, 1)
    before = userdata.get(db, USER, HOUR.id)
    [(kind, payload), (_, change)] = playback.stop(
        db, USER, "tv", report(35_000_000_000, failed=True), HOUR, 2, RULES
    )
    assert change["change"] == "stop"
    assert (kind, payload["reason"]) == ("playback_stopped", "failed")
    assert userdata.get(db, USER, HOUR.id) == before


def test_expire_stops_once_at_the_last_position(db):
    playback.start(db, USER, "tv", report(), HOUR, NOW, 10)
    progress(db, report(9_000_000_000), 20, 20)
    userdata.mark_unplayed(db, USER, HOUR.id, 30)
    [silent] = sessions.silent_since(db, 100, 10)
    (kind, payload), _, (_, change) = playback.expire(db, silent, HOUR, 100, RULES)
    assert (change["change"], change["position_ticks"]) == ("stop", 9_000_000_000)
    assert (kind, payload["reason"], payload["position_ticks"]) == (
        "playback_stopped",
        "expired",
        9_000_000_000,
    )
    assert userdata.get(db, USER, HOUR.id).playback_position_ticks == 9_000_000_000
    assert playback.expire(db, silent, HOUR, 100, RULES) == []  # already stopped


def test_expire_without_position_or_item(db):
    later = sessions.epoch_us(NOW) + 1  # a start is seen at its own time
    playback.start(db, USER, "tv", report(), HOUR, NOW, 10)
    [silent] = sessions.silent_since(db, later, 10)
    [(kind, stopped)] = playback.expire(db, silent, None, later, RULES)  # track gone: ends
    assert (kind, stopped["change"], stopped["track"]) == ("playback_changed", "stop", None)
    assert sessions.silent_since(db, later, 10) == []
    playback.start(db, USER, "phone", report(), HOUR, NOW, 20)
    [silent] = sessions.silent_since(db, later, 10)
    _, (_, data), _ = playback.expire(db, silent, HOUR, later, RULES)
    assert data["user_data"]["PlayCount"] == 3 and data["user_data"]["Played"] is True


def test_progress_announces_pause_resume_and_seek_but_not_a_position_that_only_advances(db):
    playback.start(db, USER, "tv", report(0), HOUR, NOW, 1_000_000)

    def changes(position, reported_us, paused=False):
        played = PlaybackReport(
            item_id=HOUR.id, play_session_id="p", position_ticks=position, is_paused=paused
        )
        return [
            payload["change"]
            for kind, payload in progress(db, played, reported_us, reported_us)
            if kind == "playback_changed"
        ]

    assert changes(10_000_000, 2_000_000) == []  # 1 s later, 1 s further
    assert changes(20_000_000, 3_000_000, paused=True) == ["pause"]
    assert changes(20_000_000, 9_000_000, paused=True) == []
    assert changes(20_000_000, 10_000_000) == ["resume"]
    assert changes(None, 11_000_000) == []  # no position: it keeps advancing
    assert changes(900_000_000, 12_000_000) == ["seek"]
