"""Playback session rows on the real database: keys, report order, ping, silence, purge."""

import pytest

from services.common.principal import Principal
from services.playstate import sessions
from services.playstate.progress_plan import Progress, StoredSession, session_row
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item
from services.playstate.transitions import PlayState
from tests.support.statements import rows_in, statements_sent

USER, ITEM, OTHER_ITEM = "1" * 32, "2" * 32, "3" * 32
ODD = 'O\'Brien "x" \\ é 🎵'
LATE = 2**63 - 1  # the latest report time a BIGINT holds


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


def start(db, psid="s", device="tv", item=ITEM, now_us=1, reported_us=1, **fields):
    return sessions.start(
        db, USER, device, Item(item, None, True), report(psid, **fields), now_us, reported_us
    )


def progress_row(now_us, reported_us, device="tv", **fields):
    """A batch's row for the session "s" on `device` (progress_plan.session_row)."""
    played = Progress(USER, device, report(**fields), Item(ITEM, None, True), now_us, reported_us)
    return session_row(played, played.report.position_ticks)


def test_start_then_progress_by_report_time(db):
    assert start(db, position=0, now_us=10, reported_us=10)
    sessions.record_progress(
        db, [progress_row(20, 20, position=50, is_paused=True, repeat_mode="RepeatAll")]
    )
    sessions.record_progress(db, [progress_row(30, 15, position=40)])  # older report: dropped
    sessions.record_progress(db, [progress_row(40, 40)])  # no position: the last one stays
    [row] = rows(db)
    assert (row.position_ticks, row.is_paused, row.last_seen_us, row.started_us) == (
        50,
        False,
        40,
        10,
    )
    assert sessions.current_item(db, USER, "tv", "s") == ITEM
    assert not start(db, now_us=50, reported_us=30)  # a start older than the last report


def test_stored_reads_a_batch_of_sessions_active_or_not(db):
    start(db, position=7, now_us=5, reported_us=5)
    start(db, device="phone")
    sessions.end(db, USER, "phone", "s", 2)
    found = sessions.stored(db, {(USER, "tv", "s"), (USER, "phone", "s"), (USER, "car", "s")})
    assert found == {
        (USER, "tv", "s"): StoredSession(PlayState(ITEM, 7, False, 5), active=True),
        (USER, "phone", "s"): StoredSession(PlayState(ITEM, None, False, 2), active=False),
    }


def test_a_batch_writes_each_of_its_sessions_in_one_upsert(db):
    start(db, now_us=1, reported_us=1)
    batch = [progress_row(9, 9, position=3), progress_row(9, 9, device="phone", position=4)]
    with statements_sent(db) as sent:
        sessions.record_progress(db, batch)
    [upsert] = sent  # one round trip, not the DB-API's one per session
    assert rows_in(upsert) == 2
    assert sorted((row.device_key, row.position_ticks, row.started_us) for row in rows(db)) == [
        ("phone", 4, 9),
        ("tv", 3, 1),
    ]


def test_a_batch_keeps_its_values_as_they_were_and_each_row_applies_only_where_newer(db):
    start(db, ODD, device=ODD, position=5, reported_us=LATE - 2)
    start(db, "t", position=6, reported_us=LATE - 2)
    text = {"media_source_id": ODD, "live_stream_id": ODD}
    sessions.record_progress(
        db,
        [
            progress_row(9, LATE, ODD, psid=ODD, is_paused=True, volume_level=None, **text),
            progress_row(9, LATE - 3, psid="t", position=7),  # older than stored: dropped
            progress_row(9, LATE, "phone", position=LATE, can_seek=True, volume_level=0),
        ],
    )
    fields = "device_key play_session_id position_ticks is_paused can_seek volume_level"
    found = {
        row.device_key: tuple(getattr(row, name) for name in [*fields.split(), *text])
        for row in rows(db)
    }
    assert found == {
        ODD: (ODD, ODD, 5, True, False, None, ODD, ODD),  # no position: the stored one stays
        "tv": ("tv", "t", 6, False, False, None, None, None),
        "phone": ("phone", "s", LATE, False, True, 0, None, None),
    }


def test_sessions_are_per_device_and_play_session(db):
    start(db)
    start(db, device="phone")
    start(db, "t", item=OTHER_ITEM)
    assert len(rows(db)) == 3
    sessions.end(db, USER, "tv", "s", 2)
    assert sessions.current_item(db, USER, "tv", "s") is None
    assert sessions.current_item(db, USER, "phone", "s") == ITEM
    assert len(rows(db)) == 2


def test_stop_then_late_progress_is_dropped(db):
    start(db)
    sessions.end(db, USER, "tv", "s", 5)
    sessions.record_progress(db, [progress_row(6, 4, position=9)])
    assert rows(db) == []


def test_ping_silence_claim_and_purge(db):
    start(db, "a", now_us=100, reported_us=100)
    start(db, "b", now_us=100, reported_us=100)
    assert sessions.ping(db, USER, "a", 500) == 1
    assert sessions.ping(db, USER, "unknown", 500) == 0
    [silent] = sessions.silent_since(db, 300, 10)
    assert silent.play_session_id == "b"
    assert not sessions.claim_silent(db, silent.id, 99)  # spoke meanwhile
    assert sessions.claim_silent(db, silent.id, silent.last_seen_us)
    assert not sessions.claim_silent(db, silent.id, silent.last_seen_us)  # already stopped
    assert sessions.purge_inactive(db, 50) == 0
    assert sessions.purge_inactive(db, 101) == 1
