"""API.md §3 playback over HTTP: start, progress, stop (query routes and Playback*Info bodies) and
every state rule with concrete tick values, for a short track (under 300 s) and a long one."""

import re

import pytest

from tests.support.client import Api
from tests.support.playstate import TICKS, dashed, new_listener, new_track

HOUR = 3600 * TICKS  # 36,000,000,000 ticks: 5 % = 1,800,000,000, 90 % = 32,400,000,000
# the short track: 200 s = 2,000,000,000 ticks, under MinResumeDurationSeconds


@pytest.fixture(scope="module")
def short_talk(admin):
    return new_track(admin, 200, resumable=True)


@pytest.fixture(scope="module")
def song(admin):
    return new_track(admin, 180, resumable=False)


@pytest.fixture(scope="module")
def unknown_length(admin):
    return new_track(admin, None, resumable=True)


@pytest.fixture
def me(stack):
    return new_listener(
        stack,
        headers={
            "X-Emby-Authorization": 'MediaBrowser Client="tests", Device="pytest", '
            'DeviceId="device-1", Version="1.0"'
        },
    )


def data(me, item):
    response = me.api.get(f"/Users/{me.id}/Items/{item}/UserData")
    assert response.status_code == 200
    return response.json()


def start(me, item, **params):
    response = me.api.post(f"/Users/{me.id}/PlayingItems/{item}", params=params)
    assert response.status_code == 204, response.text
    assert response.content == b""


def progress(me, item, position, **params):
    response = me.api.post(
        f"/Users/{me.id}/PlayingItems/{item}/Progress", params={"positionTicks": position, **params}
    )
    assert response.status_code == 204, response.text


def stop(me, item, position=None, **params):
    if position is not None:
        params["positionTicks"] = position
    response = me.api.delete(f"/Users/{me.id}/PlayingItems/{item}", params=params)
    assert response.status_code == 204, response.text


def test_long_resumable_track_keeps_its_position(me, long_mix):
    start(me, long_mix, playSessionId="s1", canSeek="True", playMethod="DirectPlay")
    started = data(me, long_mix)
    assert started["PlayCount"] == 1 and started["Played"] is False
    assert re.match(r"^\d{4}-.*Z$", started["LastPlayedDate"])

    progress(me, long_mix, 1_000_000_000, playSessionId="s1")  # 2.8 %: below 5 % → 0
    assert data(me, long_mix)["PlaybackPositionTicks"] == 0
    progress(me, long_mix, 1_800_000_000, playSessionId="s1")  # exactly 5 %: kept
    assert data(me, long_mix)["PlaybackPositionTicks"] == 1_800_000_000
    progress(
        me,
        long_mix,
        9_000_000_000,
        playSessionId="s1",
        isPaused="true",
        volumeLevel=70,
        repeatMode="RepeatOne",
    )  # 25 %
    body = data(me, long_mix)
    assert body["PlaybackPositionTicks"] == 9_000_000_000 and body["PlayedPercentage"] == 25.0
    assert body["Played"] is False and body["PlayCount"] == 1

    stop(me, long_mix, 20_000_000_000, playSessionId="s1")  # 55.6 %: resume point
    stopped = data(me, long_mix)
    assert stopped["PlaybackPositionTicks"] == 20_000_000_000
    assert stopped["PlayedPercentage"] == pytest.approx(55.5555555)
    assert stopped["Played"] is False and stopped["PlayCount"] == 1

    start(me, long_mix, playSessionId="s2")
    stop(me, long_mix, 32_400_000_000, playSessionId="s2")  # exactly 90 %: still resumable
    assert data(me, long_mix)["PlaybackPositionTicks"] == 32_400_000_000
    start(me, long_mix, playSessionId="s3")
    stop(me, long_mix, 32_400_000_001, playSessionId="s3")  # above 90 %: played
    done = data(me, long_mix)
    assert done["Played"] is True and done["PlaybackPositionTicks"] == 0
    assert done["PlayCount"] == 3 and "PlayedPercentage" not in done


def test_long_track_stopped_below_5_percent_keeps_played(me, long_mix):
    me.api.post(f"/Users/{me.id}/PlayedItems/{long_mix}")
    start(me, long_mix)  # a resumable item is not played at start
    assert data(me, long_mix)["Played"] is False
    me.api.post(f"/Users/{me.id}/PlayedItems/{long_mix}")
    stop(me, long_mix, 1_799_999_999)  # just under 5 %: position 0, Played unchanged
    body = data(me, long_mix)
    assert body["Played"] is True and body["PlaybackPositionTicks"] == 0
    me.api.delete(f"/Users/{me.id}/PlayedItems/{long_mix}")
    stop(me, long_mix, 100)
    assert data(me, long_mix)["Played"] is False


def test_stop_at_the_end_is_played(me, long_mix):
    start(me, long_mix)
    stop(me, long_mix, HOUR)
    assert data(me, long_mix)["Played"] is True
    start(me, long_mix)
    stop(me, long_mix, HOUR + 5)
    body = data(me, long_mix)
    assert body["Played"] is True and body["PlaybackPositionTicks"] == 0 and body["PlayCount"] == 2


def test_short_resumable_track_is_played_in_the_middle(me, short_talk):
    start(me, short_talk)
    progress(me, short_talk, 99_999_999)  # 5.0 % minus a tick: position 0, not played
    body = data(me, short_talk)
    assert body["PlaybackPositionTicks"] == 0 and body["Played"] is False
    progress(me, short_talk, 1_000_000_000)  # 50 % of 200 s: under 300 s → played, 0
    body = data(me, short_talk)
    assert body["Played"] is True and body["PlaybackPositionTicks"] == 0
    stop(me, short_talk, 1_000_000_000)
    assert data(me, short_talk)["PlayCount"] == 1


def test_non_resumable_song(me, song):
    start(me, song)
    started = data(me, song)
    assert started["Played"] is True and started["PlayCount"] == 1
    progress(me, song, 900_000_000)  # 50 %: a song never keeps a position
    assert data(me, song)["PlaybackPositionTicks"] == 0
    me.api.delete(f"/Users/{me.id}/PlayedItems/{song}")
    stop(me, song, 36_000_000)  # 2 %: Played unchanged
    body = data(me, song)
    assert body["Played"] is False and body["PlaybackPositionTicks"] == 0
    stop(me, song, 1_700_000_000)  # 94 %: played
    assert data(me, song)["Played"] is True


def test_stop_without_position(me, long_mix, song):
    for item in (long_mix, song):
        start(me, item)
        progress(me, item, 9_000_000_000 if item == long_mix else 0)
        stop(me, item)
        body = data(me, item)
        assert body["PlayCount"] == 2 and body["Played"] is True
        assert body["PlaybackPositionTicks"] == 0


def test_unknown_runtime_is_played(me, unknown_length):
    start(me, unknown_length)
    assert data(me, unknown_length)["Played"] is False
    progress(me, unknown_length, 50_000_000)
    body = data(me, unknown_length)
    assert body["Played"] is True and body["PlaybackPositionTicks"] == 0
    assert "PlayedPercentage" not in body


def test_caller_routes_of_jellyfin_10_9(me, long_mix):
    assert (
        me.api.post(f"/PlayingItems/{long_mix}", params={"playSessionId": "p"}).status_code == 204
    )
    assert (
        me.api.post(
            f"/PlayingItems/{long_mix}/Progress",
            params={"positionTicks": 3_600_000_000, "playSessionId": "p"},
        ).status_code
        == 204
    )
    assert data(me, long_mix)["PlaybackPositionTicks"] == 3_600_000_000
    assert (
        me.api.delete(
            f"/PlayingItems/{long_mix}",
            params={"positionTicks": 7_200_000_000, "playSessionId": "p"},
        ).status_code
        == 204
    )
    body = data(me, long_mix)
    assert body["PlaybackPositionTicks"] == 7_200_000_000 and body["PlayedPercentage"] == 20.0


def test_session_bodies(me, long_mix):
    """Playback*Info bodies as clients send them: any key case, dashed GUIDs, numbers as strings,
    enums as names or numbers, explicit nulls and unknown keys."""
    began = me.api.post(
        "/Sessions/Playing",
        json={
            "EventName": "playbackstart",
            "SessionId": "abc",
            "Item": {"Name": "x"},
            "ItemId": dashed(long_mix),
            "PlaySessionId": "body-1",
            "PositionTicks": "0",
            "CanSeek": True,
            "PlayMethod": 2,
            "RepeatMode": "repeatall",
            "AudioStreamIndex": None,
            "NowPlayingQueue": [{"Id": long_mix, "PlaylistItemId": "p1"}],
        },
    )
    assert began.status_code == 204, began.text
    assert data(me, long_mix)["PlayCount"] == 1

    moved = me.api.post(
        "/Sessions/Playing/Progress",
        json={
            "itemId": long_mix,
            "playSessionId": "body-1",
            "positionTicks": 12_000_000_000,
            "isPaused": "false",
            "playMethod": "DirectStream",
            "repeatMode": 0,
            "volumeLevel": "55",
        },
    )
    assert moved.status_code == 204, moved.text
    assert data(me, long_mix)["PlaybackPositionTicks"] == 12_000_000_000

    # without ItemId the session's item is meant
    assert (
        me.api.post(
            "/Sessions/Playing/Progress",
            json={"PlaySessionId": "body-1", "PositionTicks": 15_000_000_000},
        ).status_code
        == 204
    )
    assert data(me, long_mix)["PlaybackPositionTicks"] == 15_000_000_000

    ended = me.api.post(
        "/Sessions/Playing/Stopped",
        json={
            "PlaySessionId": "body-1",
            "PositionTicks": 16_000_000_000,
            "Failed": False,
            "NextMediaType": "Audio",
        },
    )
    assert ended.status_code == 204
    body = data(me, long_mix)
    assert body["PlaybackPositionTicks"] == 16_000_000_000 and body["PlayCount"] == 1


def test_failed_stop_changes_nothing(me, long_mix):
    start(me, long_mix, playSessionId="f")
    progress(me, long_mix, 9_000_000_000, playSessionId="f")
    before = data(me, long_mix)
    failed = me.api.post(
        "/Sessions/Playing/Stopped",
        json={
            "ItemId": long_mix,
            "PlaySessionId": "f",
            "PositionTicks": 35_000_000_000,
            "Failed": True,
        },
    )
    assert failed.status_code == 204
    assert data(me, long_mix) == before


def test_empty_bodies_change_nothing(me):
    for path in ("/Sessions/Playing", "/Sessions/Playing/Progress", "/Sessions/Playing/Stopped"):
        assert me.api.post(path).status_code == 204
        assert me.api.post(path, json={"PlaySessionId": "none"}).status_code == 204


def test_sessions_are_per_device(stack, long_mix):
    """Two devices of one user are two sessions: a stop on one leaves the other playing."""
    user = new_listener(stack)
    other_device = Api(
        stack.url,
        headers={
            "Authorization": f'MediaBrowser Client="tests", Device="phone", DeviceId="device-2", '
            f'Version="1.0", Token="{user.token}"'
        },
    )
    start(user, long_mix, playSessionId="same")
    assert (
        other_device.post(
            f"/Users/{user.id}/PlayingItems/{long_mix}", params={"playSessionId": "same"}
        ).status_code
        == 204
    )
    assert data(user, long_mix)["PlayCount"] == 2
    stop(user, long_mix, 10_000_000_000, playSessionId="same")
    assert (
        other_device.post(
            f"/Users/{user.id}/PlayingItems/{long_mix}/Progress",
            params={"positionTicks": 11_000_000_000, "playSessionId": "same"},
        ).status_code
        == 204
    )
    assert data(user, long_mix)["PlaybackPositionTicks"] == 11_000_000_000


def test_ping_keeps_a_session(me, long_mix):
    start(me, long_mix, playSessionId="pinged")
    assert (
        me.api.post("/Sessions/Playing/Ping", params={"playSessionId": "pinged"}).status_code == 204
    )
    assert (
        me.api.post("/sessions/playing/ping", params={"PLAYSESSIONID": "pinged"}).status_code == 204
    )


def test_concurrent_progress_is_never_lost(stack, long_mix):
    """Reports racing for one user and item all answer 204; afterwards a newer report wins."""
    import concurrent.futures

    user = new_listener(stack)
    start(user, long_mix, playSessionId="race")
    positions = [2_000_000_000 + i * 100_000_000 for i in range(24)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda p: (
                    Api(stack.url, user.token)
                    .post(
                        f"/Users/{user.id}/PlayingItems/{long_mix}/Progress",
                        params={"positionTicks": p, "playSessionId": "race"},
                    )
                    .status_code
                ),
                positions,
            )
        )
    assert codes == [204] * len(positions)
    assert data(user, long_mix)["PlaybackPositionTicks"] in positions
    progress(user, long_mix, 30_000_000_000, playSessionId="race")
    assert data(user, long_mix)["PlaybackPositionTicks"] == 30_000_000_000
