"""User item data upserts on the real database, and the UserItemDataDto."""

from datetime import UTC, datetime

import pytest

from services.playstate import userdata
from services.playstate.progress_plan import PositionWrite
from services.playstate.rules import Item, Outcome
from services.playstate.userdata import UserData

USER, ITEM = "1" * 32, "2" * 32
HOUR = Item(ITEM, 36_000_000_000, resumable=True)
NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
DATE = datetime(2024, 5, 1, 10, tzinfo=UTC)


@pytest.fixture
def db(session_for):
    return session_for("playstate")


def test_defaults_for_an_untouched_item(db):
    data = userdata.get(db, USER, ITEM)
    assert data == UserData(USER, ITEM)
    assert userdata.dto(data, HOUR) == {
        "PlaybackPositionTicks": 0,
        "PlayCount": 0,
        "IsFavorite": False,
        "Played": False,
        "Key": ITEM,
        "ItemId": ITEM,
    }


def test_mark_played_counts_only_with_a_date(db):
    first = userdata.mark_played(db, USER, ITEM, None, NOW, 1)
    assert (first.played, first.play_count, first.last_played_date) == (True, 1, NOW)
    again = userdata.mark_played(db, USER, ITEM, None, DATE, 2)
    assert (again.play_count, again.last_played_date) == (1, NOW)  # old date kept
    dated = userdata.mark_played(db, USER, ITEM, DATE, NOW, 3)
    assert (dated.play_count, dated.last_played_date) == (2, DATE)
    assert userdata.get(db, USER, ITEM) == dated


def test_mark_unplayed_resets(db):
    userdata.apply_position(db, USER, ITEM, Outcome(9_000_000_000, False), 1)
    userdata.mark_played(db, USER, ITEM, DATE, NOW, 2)
    assert userdata.mark_unplayed(db, USER, ITEM, 3) == UserData(USER, ITEM)


def test_start_and_stop_without_position(db):
    started = userdata.start(db, USER, HOUR, NOW, 1)
    assert (started.play_count, started.played, started.last_played_date) == (1, False, NOW)
    song = Item(ITEM, 1_800_000_000, resumable=False)
    assert userdata.start(db, USER, song, NOW, 2).played is True
    stopped = userdata.stop_without_position(db, USER, ITEM, 3)
    assert (stopped.play_count, stopped.played, stopped.playback_position_ticks) == (3, True, 0)


def progress(db, position, reported_us, played=False, item=ITEM):
    """The rows one batch's position changed."""
    return userdata.apply_positions(db, [PositionWrite(USER, item, position, played, reported_us)])


def test_progress_applies_only_when_newer(db):
    [newer] = progress(db, 9_000_000_000, 200)
    assert newer.playback_position_ticks == 9_000_000_000
    assert progress(db, 5_000_000_000, 100) == []  # reported earlier, arrived later: dropped
    assert progress(db, 5_000_000_000, 200) == []  # same report time: first one stays
    assert userdata.get(db, USER, ITEM).playback_position_ticks == 9_000_000_000
    [played] = progress(db, 0, 300, played=True)
    assert (played.played, played.playback_position_ticks) == (True, 0)
    [kept] = progress(db, 7_000_000_000, 400)
    assert (kept.played, kept.playback_position_ticks) == (True, 7_000_000_000)


def test_a_batch_of_positions_is_one_upsert_of_the_newer_ones(db):
    other = "3" * 32
    progress(db, 5, 500)
    changed = userdata.apply_positions(
        db,
        [PositionWrite(USER, ITEM, 9, False, 400), PositionWrite(USER, other, 7, True, 400)],
    )
    assert [(data.item_id, data.playback_position_ticks, data.played) for data in changed] == [
        (other, 7, True)
    ]  # the first is older than what is stored, the second is new
    assert userdata.get(db, USER, ITEM).playback_position_ticks == 5


def test_a_batch_of_positions_keeps_bigints_and_leaves_the_rest_null(db):
    late, other = 2**63 - 1, "3" * 32
    progress(db, 5, late - 1, played=True)
    changed = userdata.apply_positions(
        db,
        [PositionWrite(USER, ITEM, late, False, late), PositionWrite(USER, other, 0, False, late)],
    )
    assert sorted(changed, key=lambda data: data.item_id) == [
        UserData(USER, ITEM, played=True, playback_position_ticks=late),  # played stays
        UserData(USER, other),
    ]


def test_other_writes_move_the_report_time_forward(db):
    progress(db, 9_000_000_000, 500)
    userdata.mark_unplayed(db, USER, ITEM, 400)  # applies, keeps the newer report time
    assert progress(db, 1, 450) == []
    userdata.mark_played(db, USER, ITEM, None, NOW, 600)
    assert progress(db, 1, 550) == []


def test_dto_fields(db):
    data = userdata.apply_position(db, USER, ITEM, Outcome(9_000_000_000, False), 1)
    data = userdata.start(db, USER, HOUR, NOW, 2)
    body = userdata.dto(data, HOUR)
    assert body["PlayedPercentage"] == 25.0
    assert body["LastPlayedDate"] == "2026-01-02T03:04:05.678901Z"
    assert "Rating" not in body and "Likes" not in body and "UnplayedItemCount" not in body
