"""Playback session rows on the real database: keys, report order, ping, silence, purge."""

import pytest

from services.common.principal import Principal
from services.playstate import sessions
from services.playstate.reports import PlaybackReport

USER, ITEM, OTHER_ITEM = "1" * 32, "2" * 32, "3" * 32


@pytest.fixture
def db(session_for):
    return session_for("playstate")


def report(psid="s", position=None, **fields):
    return PlaybackReport(item_id=ITEM, play_session_id=psid, position_ticks=position, **fields)


def rows(db):
    """This test's active sessions (the database may hold others: the stack shares it)."""
    return [row for row in sessions.silent_since(db, 10**18, 10**6) if row.user_id == USER]


def test_device_key():
    user = Principal(kind="user", token_id=7, user_id=1, user_uuid=USER)
    assert sessions.device_key(user) == "token:7"
    assert sessions.device_key(Principal(kind="user", token_id=7, device_id="tv")) == "tv"
    long = sessions.device_key(Principal(kind="user", token_id=7, device_id="d" * 300))
    assert long.startswith("sha256:") and len(long) == 71


def test_start_then_progress_by_report_time(db):
    assert sessions.record(db, USER, "tv", ITEM, report(position=0), 10, 10, starting=True)
    assert sessions.record(
        db,
        USER,
        "tv",
        ITEM,
        report(position=50, is_paused=True, repeat_mode="RepeatAll"),
        20,
        20,
        starting=False,
    )
    assert not sessions.record(
        db, USER, "tv", ITEM, report(position=40), 30, 15, starting=False
    )  # older report: dropped
    assert sessions.record(db, USER, "tv", ITEM, report(), 40, 40, starting=False)
    [row] = rows(db)
    assert (row.position_ticks, row.is_paused, row.last_seen_us, row.started_us) == (
        50,
        False,
        40,
        10,
    )
    assert sessions.current_item(db, USER, "tv", "s") == ITEM


def test_sessions_are_per_device_and_play_session(db):
    sessions.record(db, USER, "tv", ITEM, report(), 1, 1, starting=True)
    sessions.record(db, USER, "phone", ITEM, report(), 1, 1, starting=True)
    sessions.record(db, USER, "tv", OTHER_ITEM, report("t"), 1, 1, starting=True)
    assert len(rows(db)) == 3
    sessions.end(db, USER, "tv", "s", 2)
    assert sessions.current_item(db, USER, "tv", "s") is None
    assert sessions.current_item(db, USER, "phone", "s") == ITEM
    assert len(rows(db)) == 2


def test_stop_then_late_progress_is_dropped(db):
    sessions.record(db, USER, "tv", ITEM, report(), 1, 1, starting=True)
    sessions.end(db, USER, "tv", "s", 5)
    assert not sessions.record(db, USER, "tv", ITEM, report(position=9), 6, 4, starting=False)
    assert rows(db) == []


def test_ping_silence_claim_and_purge(db):
    sessions.record(db, USER, "tv", ITEM, report("a"), 100, 100, starting=True)
    sessions.record(db, USER, "tv", ITEM, report("b"), 100, 100, starting=True)
    assert sessions.ping(db, USER, "a", 500) == 1
    assert sessions.ping(db, USER, "unknown", 500) == 0
    [silent] = sessions.silent_since(db, 300, 10)
    assert silent.play_session_id == "b"
    assert not sessions.claim_silent(db, silent.id, 99)  # spoke meanwhile
    assert sessions.claim_silent(db, silent.id, silent.last_seen_us)
    assert not sessions.claim_silent(db, silent.id, silent.last_seen_us)  # already stopped
    assert sessions.purge_inactive(db, 50) == 0
    assert sessions.purge_inactive(db, 101) == 1
