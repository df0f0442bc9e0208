"""The same flows through the real client libraries, against the running gateway:

- ``jellyfinapi`` (the seed's SDK, 10.8.5): every method of its PlaystateController page, called as
  the page shows;
- ``jellyfin-apiclient-python``: AuthenticateByName login, session playback reports, read-back.
"""

from datetime import UTC, datetime

import pytest
from jellyfin_apiclient_python import JellyfinClient
from jellyfinapi.exceptions.api_exception import APIException
from jellyfinapi.jellyfinapi_client import JellyfinapiClient
from jellyfinapi.models.play_method_enum import PlayMethodEnum
from jellyfinapi.models.playback_progress_info import PlaybackProgressInfo
from jellyfinapi.models.playback_start_info import PlaybackStartInfo
from jellyfinapi.models.playback_stop_info import PlaybackStopInfo
from jellyfinapi.models.repeat_mode_enum import RepeatModeEnum

from tests.support.playstate import dashed, new_listener


def sdk(stack, token):
    return JellyfinapiClient(x_emby_token=token, server_url=stack.url)


def read(user, item):
    return user.api.get(f"/Users/{user.id}/Items/{item}/UserData").json()


def test_jellyfinapi_every_playstate_method(stack, long_mix):
    user = new_listener(stack, "sdk")
    playstate_controller = sdk(stack, user.token).playstate
    user_id, item_id = dashed(user.id), dashed(long_mix)

    result = playstate_controller.mark_played_item(user_id, item_id)
    assert result.played is True and result.play_count == 1 and result.item_id == long_mix
    result = playstate_controller.mark_played_item(
        user_id, item_id, datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    )
    assert result.play_count == 2
    assert result.last_played_date.datetime == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

    result = playstate_controller.mark_unplayed_item(user_id, item_id)
    assert result.played is False and result.key == long_mix

    can_seek = False
    result = playstate_controller.on_playback_start(
        user_id, item_id, None, None, None, None, None, None, can_seek
    )
    assert result is None and read(user, long_mix)["PlayCount"] == 1

    is_paused = False
    is_muted = False
    result = playstate_controller.on_playback_progress(
        user_id, item_id, None, None, None, None, None, None, None, None, None, is_paused, is_muted
    )
    assert result is None
    playstate_controller.on_playback_progress(
        user_id,
        item_id,
        "source",
        9_000_000_000,
        0,
        None,
        80,
        PlayMethodEnum.DIRECTPLAY,
        None,
        "sdk-session",
        RepeatModeEnum.REPEATALL,
        True,
        False,
    )
    assert read(user, long_mix)["PlaybackPositionTicks"] == 9_000_000_000

    result = playstate_controller.on_playback_stopped(user_id, item_id)
    assert result is None
    body = read(user, long_mix)  # a stop without position: PlayCount + 1, played
    assert body["PlayCount"] == 2 and body["Played"] is True

    play_session_id = "playSessionId2"
    result = playstate_controller.ping_playback_session(play_session_id)
    assert result is None

    result = playstate_controller.report_playback_progress()
    assert result is None
    result = playstate_controller.report_playback_start()
    assert result is None
    result = playstate_controller.report_playback_stopped()
    assert result is None

    playstate_controller.report_playback_start(
        PlaybackStartInfo(
            item_id=item_id,
            play_session_id="sdk-2",
            can_seek=True,
            play_method=PlayMethodEnum.TRANSCODE,
            position_ticks=0,
        )
    )
    playstate_controller.report_playback_progress(
        PlaybackProgressInfo(
            item_id=item_id,
            play_session_id="sdk-2",
            position_ticks=12_000_000_000,
            is_paused=False,
            repeat_mode=RepeatModeEnum.REPEATNONE,
        )
    )
    playstate_controller.ping_playback_session("sdk-2")
    assert read(user, long_mix)["PlaybackPositionTicks"] == 12_000_000_000
    playstate_controller.report_playback_stopped(
        PlaybackStopInfo(item_id=item_id, play_session_id="sdk-2", position_ticks=14_400_000_000)
    )
    body = read(user, long_mix)
    assert body["PlaybackPositionTicks"] == 14_400_000_000 and body["PlayedPercentage"] == 40.0
    assert body["PlayCount"] == 3 and body["Played"] is False


def test_jellyfinapi_errors_are_api_exceptions(stack, long_mix):
    user, other = new_listener(stack, "sdk"), new_listener(stack, "other")
    with pytest.raises(APIException) as refused:
        sdk(stack, other.token).playstate.mark_played_item(user.id, long_mix)
    assert refused.value.response_code == 403
    with pytest.raises(APIException) as anonymous:
        sdk(stack, "wrong").playstate.mark_played_item(user.id, long_mix)
    assert anonymous.value.response_code == 401


def test_jellyfin_apiclient_python_login_and_playback(stack, long_mix):
    user = new_listener(stack, "kodi")
    client = JellyfinClient()
    client.config.app("setlist-tests", "1.0.0", "pytest", "apiclient-device")
    client.config.data["auth.ssl"] = False
    assert client.auth.connect_to_address(stack.url)["State"] is not None
    login = client.auth.login(stack.url, user.name, "pw-" + user.name)
    assert login["AccessToken"] and login["User"]["Id"] == user.id
    api = client.jellyfin

    api.session_playing(
        {
            "ItemId": long_mix,
            "PlaySessionId": "kodi-1",
            "PositionTicks": 0,
            "CanSeek": True,
            "PlayMethod": "DirectPlay",
            "EventName": "start",
        }
    )
    api.session_progress(
        {
            "ItemId": long_mix,
            "PlaySessionId": "kodi-1",
            "PositionTicks": 7_200_000_000,
            "IsPaused": False,
            "EventName": "timeupdate",
        }
    )
    data = api.get_userdata_for_item(long_mix)
    assert data["PlaybackPositionTicks"] == 7_200_000_000 and data["PlayedPercentage"] == 20.0
    assert data["PlayCount"] == 1 and data["Played"] is False
    api.session_stop(
        {"ItemId": long_mix, "PlaySessionId": "kodi-1", "PositionTicks": 34_000_000_000}
    )
    data = api.get_userdata_for_item(long_mix)
    assert data["Played"] is True and data["PlaybackPositionTicks"] == 0

    assert api.item_played(long_mix, False)["Played"] is False
    marked = api.item_played(long_mix, True, "2024-05-01T10:00:00Z")
    assert marked["Played"] is True and marked["LastPlayedDate"].startswith("2024-05-01T10:00")
