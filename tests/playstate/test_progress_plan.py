"""services/playstate/progress_plan.py: a batch folded into one row per session and per item, with
what each report announces as if the reports came one after the other."""

from services.playstate.progress_plan import PositionWrite, Progress, StoredSession, plan
from services.playstate.reports import PlaybackReport
from services.playstate.rules import Item, Thresholds
from services.playstate.transitions import PlayState

ME = "a" * 32
HOUR = Item("1" * 32, 36_000_000_000, resumable=True)
SONG = Item("2" * 32, 1_800_000_000, resumable=False)
RULES = Thresholds()
SECOND = 10_000_000  # ticks
PLAYING = StoredSession(PlayState(HOUR.id, 0, False, 1_000_000), active=True)


def progress(reported_s, position_s=None, paused=False, item=HOUR, device="tv"):
    report = PlaybackReport(
        item_id=item.id,
        play_session_id="p",
        position_ticks=None if position_s is None else position_s * SECOND,
        is_paused=paused,
    )
    return Progress(ME, device, report, item, 99, reported_s * 1_000_000)


def changes(planned):
    return [[payload["change"] for _, payload in announced] for announced in planned.announcements]


def test_reports_of_one_session_apply_one_after_the_other():
    planned = plan(
        [progress(1000, 999, paused=True), progress(1001, 999), progress(1002, 1000)],
        {
            (ME, "tv", "p"): StoredSession(
                PlayState(HOUR.id, 998 * SECOND, False, 999_000_000), True
            )
        },
        RULES,
    )
    assert changes(planned) == [["pause"], ["resume"], []]
    [row] = planned.sessions.values()
    assert (row["position_ticks"], row["is_paused"], row["last_report_us"]) == (
        1000 * SECOND,
        False,
        1_002_000_000,
    )
    assert planned.positions == {
        (ME, HOUR.id): PositionWrite(ME, HOUR.id, 1000 * SECOND, False, 1_002_000_000)
    }
    assert planned.announced_by == {(ME, HOUR.id): 2}


def test_an_older_report_changes_nothing():
    planned = plan([progress(2, 600), progress(1, 1200)], {(ME, "tv", "p"): PLAYING}, RULES)
    assert planned.announcements[1] == []
    assert planned.sessions[(ME, "tv", "p")]["position_ticks"] == 600 * SECOND
    assert planned.positions[(ME, HOUR.id)].position_ticks == 600 * SECOND


def test_a_report_without_position_keeps_the_last_and_writes_no_user_data():
    planned = plan([progress(2, paused=True)], {(ME, "tv", "p"): PLAYING}, RULES)
    assert changes(planned) == [["pause"]]
    assert planned.sessions[(ME, "tv", "p")]["position_ticks"] == 0
    assert planned.positions == {}


def test_a_new_or_stopped_session_starts():
    stopped = StoredSession(PlayState(HOUR.id, 5, False, 1_000_000), active=False)
    assert changes(plan([progress(2, 1)], {(ME, "tv", "p"): stopped}, RULES)) == [["start"]]
    assert changes(plan([progress(2, 1, device="car")], {}, RULES)) == [["start"]]


def test_reports_on_one_item_from_two_devices_merge_played():
    planned = plan(
        [progress(3, 1790, item=SONG), progress(2, 10, item=SONG, device="car")], {}, RULES
    )
    assert len(planned.sessions) == 2
    # the newer position (a song keeps none: 0) and Played from either
    assert planned.positions == {(ME, SONG.id): PositionWrite(ME, SONG.id, 0, True, 3_000_000)}
    assert planned.announced_by == {(ME, SONG.id): 0}
