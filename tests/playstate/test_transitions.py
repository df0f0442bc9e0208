"""What a progress report changes for those watching: start, pause, resume, seek or nothing."""

from services.playstate.rules import Item
from services.playstate.transitions import PlayState, change, playback_changed

SECOND_US = 1_000_000
SECOND = 10_000_000  # ticks


def at(position_s, reported_s, paused=False, item="a" * 32):
    return PlayState(
        item,
        None if position_s is None else int(position_s * SECOND),
        paused,
        int(reported_s * SECOND_US),
    )


def test_a_position_that_advances_with_time_changes_nothing():
    assert change(at(10, 100), at(20, 110)) is None
    assert change(at(10, 100), at(21.9, 110)) is None  # within 2 s of where time puts it
    assert change(at(10, 100, paused=True), at(11.5, 130, paused=True)) is None


def test_a_jump_of_more_than_two_seconds_either_way_is_a_seek():
    assert change(at(10, 100), at(22.5, 110)) == "seek"
    assert change(at(10, 100), at(7.5, 110)) == "seek"
    assert change(at(10, 100, paused=True), at(13, 130, paused=True)) == "seek"


def test_pause_resume_and_another_item():
    assert change(at(10, 100), at(10, 101, paused=True)) == "pause"
    assert change(at(10, 100, paused=True), at(10, 200)) == "resume"
    assert change(None, at(0, 1)) == "start"
    assert change(at(10, 100), at(0, 101, item="b" * 32)) == "start"


def test_without_positions_only_pause_state_counts():
    assert change(at(None, 100), at(None, 200)) is None
    assert change(at(None, 100), at(50, 200)) is None


def test_the_domain_event_names_the_catalogue_track():
    item = Item("c" * 32, None, True, track=12)
    assert playback_changed("pause", "u" * 32, "tv", "p1", item, 50, True, 7) == (
        "playback_changed",
        {
            "change": "pause",
            "user_id": "u" * 32,
            "item_id": "c" * 32,
            "track": 12,
            "device_id": "tv",
            "play_session_id": "p1",
            "position_ticks": 50,
            "is_paused": True,
            "time_us": 7,
        },
    )
