"""Jellyfin's sessions and continue listening (API.md §3) through both real clients:

- ``jellyfin-apiclient-python``: AuthenticateByName with its MediaBrowser header (client, device),
  ``get_device`` / ``get_sessions``, ``get_resume_items`` (the ``Items?Filters=IsResumable`` form);
- ``jellyfinapi`` 10.8.5 (only ``X-Emby-Token``): ``get_sessions``, ``get_resume_items`` with its
  ``mediaTypes[0]=`` form;
- and the device side of logout, ``end_device_sessions`` as ``POST /Sessions/Logout`` calls it.
"""

import re
import secrets

import pytest
from jellyfin_apiclient_python import JellyfinClient
from jellyfin_apiclient_python.exceptions import HTTPException
from jellyfinapi.exceptions.api_exception import APIException
from jellyfinapi.jellyfinapi_client import JellyfinapiClient
from jellyfinapi.models.playback_progress_info import PlaybackProgressInfo
from jellyfinapi.models.playback_start_info import PlaybackStartInfo
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support.accounts import new_organizer, new_team, team_token
from tests.support.client import Api
from tests.support.playstate import TICKS, dashed, new_listener, new_track

HEX32 = re.compile(r"^[0-9a-f]{32}$")
ALWAYS = {
    "Id",
    "UserId",
    "UserName",
    "Client",
    "DeviceName",
    "DeviceId",
    "ApplicationVersion",
    "ServerId",
    "LastActivityDate",
    "IsActive",
    "SupportsMediaControl",
    "SupportsRemoteControl",
    "PlayableMediaTypes",
    "SupportedCommands",
    "AdditionalUsers",
    "NowPlayingQueue",
    "PlayState",
}


def sdk(stack, token):
    return JellyfinapiClient(x_emby_token=token, server_url=stack.url)


def logged_in_client(stack, user, device_id):
    """jellyfin-apiclient-python logged in as `user` from device `device_id` (client "Finamp")."""
    client = JellyfinClient()
    client.config.app("Finamp", "0.9.1", "Ana's phone", device_id)
    client.config.data["auth.ssl"] = False
    client.auth.connect_to_address(stack.url)
    login = client.auth.login(stack.url, user.name, "pw-" + user.name)
    assert login["AccessToken"], login
    return client.jellyfin, login["AccessToken"]


@pytest.fixture(scope="module")
def mixes(admin):
    """Three hour-long resumable tracks and a short song."""
    return [new_track(admin, 3600, resumable=True) for _ in range(3)]


def test_login_makes_a_session_that_playback_fills(stack, admin, mixes):
    user = new_listener(stack, "ana")
    device_id = f"phone-{secrets.token_hex(4)}"
    api, token = logged_in_client(stack, user, device_id)

    [session] = api.get_device(device_id)  # GET /Sessions?DeviceId=
    assert set(session) >= ALWAYS
    assert HEX32.match(session["Id"]) and session["UserId"] == user.id
    assert (
        session["UserName"],
        session["Client"],
        session["DeviceName"],
        session["DeviceId"],
        session["ApplicationVersion"],
    ) == (user.name, "Finamp", "Ana's phone", device_id, "0.9.1")
    assert session["SupportsRemoteControl"] is False and session["IsActive"] is True
    assert session["PlayState"] == {
        "CanSeek": False,
        "IsPaused": False,
        "IsMuted": False,
        "RepeatMode": "RepeatNone",
    }
    assert "NowPlayingItem" not in session
    assert api.get_sessions() == []  # ControllableByUserId=<me>: nothing is remote-controllable

    api.session_playing(
        {
            "ItemId": mixes[0],
            "PlaySessionId": "p1",
            "PositionTicks": 0,
            "CanSeek": True,
            "PlayMethod": "DirectPlay",
        }
    )
    api.session_progress(
        {
            "ItemId": mixes[0],
            "PlaySessionId": "p1",
            "IsPaused": True,
            "PositionTicks": 600 * TICKS,
            "VolumeLevel": 80,
            "CanSeek": True,
            "PlayMethod": "DirectPlay",
        }
    )
    [playing] = api.get_device(device_id.upper())  # deviceId matches in any case
    assert playing["Id"] == session["Id"]  # stable per client + device
    assert playing["PlayState"] == {
        "CanSeek": True,
        "IsPaused": True,
        "IsMuted": False,
        "RepeatMode": "RepeatNone",
        "PositionTicks": 600 * TICKS,
        "VolumeLevel": 80,
        "PlayMethod": "DirectPlay",
    }
    item = playing["NowPlayingItem"]
    assert (
        item["Id"],
        item["Type"],
        item["MediaType"],
        item["RunTimeTicks"],
        item["IsFolder"],
        item["ServerId"],
    ) == (mixes[0], "Audio", "Audio", 3600 * TICKS, False, session["ServerId"])
    assert item["Name"].startswith("track-") and "Artists" in item and "AlbumArtist" in item
    assert (
        playing["LastPlaybackCheckIn"]
        and playing["LastActivityDate"] >= session["LastActivityDate"]
    )

    api.session_stop({"ItemId": mixes[0], "PlaySessionId": "p1", "PositionTicks": 600 * TICKS})
    [stopped] = api.get_device(device_id)
    assert "NowPlayingItem" not in stopped and "LastPlaybackCheckIn" not in stopped


def test_sdk_sessions_who_sees_what(stack, admin, mixes):
    ana, bob = new_listener(stack, "ana"), new_listener(stack, "bob")
    boss = new_listener(stack, "boss", admin=True)
    ana_sdk, bob_sdk = sdk(stack, ana.token), sdk(stack, bob.token)
    # the SDK sends only X-Emby-Token: its device is the token's own
    ana_sdk.playstate.report_playback_start(
        PlaybackStartInfo(item_id=dashed(mixes[1]), play_session_id="s")
    )
    bob_sdk.playstate.report_playback_progress(PlaybackProgressInfo(item_id=mixes[1]))
    bob_sdk.playstate.ping_playback_session("nothing")

    [own] = ana_sdk.session.get_sessions()
    assert own.user_id == ana.id and own.now_playing_item.id == mixes[1]
    assert own.supports_remote_control is False and own.play_state.is_paused is False
    every = sdk(stack, boss.token).session.get_sessions()
    users = [session.user_id for session in every]
    assert ana.id in users and bob.id in users
    assert users.index(bob.id) < users.index(ana.id)  # newest LastActivityDate first
    dates = [session.last_activity_date.datetime for session in every]
    assert dates == sorted(dates, reverse=True)
    recent = sdk(stack, boss.token).session.get_sessions(active_within_seconds=3600)
    assert {ana.id, bob.id} <= {session.user_id for session in recent}

    assert ana_sdk.session.get_sessions(controllable_by_user_id=ana.id) == []
    with pytest.raises(APIException) as refused:
        ana_sdk.session.get_sessions(controllable_by_user_id=bob.id)
    assert refused.value.response_code == 403
    assert sdk(stack, boss.token).session.get_sessions(controllable_by_user_id=ana.id) == []


def test_sessions_refused_and_bad_input(stack, admin):
    organizer = new_organizer(admin)
    team = team_token(stack, admin, organizer, new_team(admin, organizer, [])).api
    assert team.get("/Sessions").status_code == 403
    assert Api(stack.url).get("/Sessions").status_code == 401
    user = new_listener(stack, "odd")
    assert user.api.get("/sessions?ACTIVEWITHINSECONDS=soon").status_code == 400
    assert user.api.get("/Sessions?controllableByUserId=me").status_code == 400


def resumable_history(stack, mixes):
    """A user who stopped the three mixes at 10, 20 and 30 minutes, in that order."""
    user = new_listener(stack, "resumer")
    for minutes, item in zip((10, 20, 30), mixes, strict=True):
        user.api.post(f"/Users/{user.id}/PlayingItems/{item}")
        response = user.api.delete(
            f"/Users/{user.id}/PlayingItems/{item}", params={"positionTicks": minutes * 60 * TICKS}
        )
        assert response.status_code == 204
    return user


def test_resume_every_route_form(stack, admin, mixes):
    user = resumable_history(stack, mixes)
    newest_first = [mixes[2], mixes[1], mixes[0]]
    forms = [
        f"/Users/{user.id}/Items/Resume",
        f"/UserItems/Resume?userId={dashed(user.id)}",
        "/useritems/resume",
        f"/users/{user.id}/items?filters=IsResumable",
        f"/Items?UserId={user.id}&Filters=IsResumable&SortBy=DatePlayed"
        "&SortOrder=Descending&Recursive=true",
    ]
    for path in forms:
        body = user.api.get(path).json()
        assert [item["Id"] for item in body["Items"]] == newest_first, path
        assert (body["TotalRecordCount"], body["StartIndex"]) == (3, 0)
        first = body["Items"][0]
        assert first["UserData"]["PlaybackPositionTicks"] == 30 * 60 * TICKS
        assert (first["Type"], first["MediaType"], first["RunTimeTicks"]) == (
            "Audio",
            "Audio",
            3600 * TICKS,
        )

    paged = user.api.get(
        f"/Users/{user.id}/Items/Resume?startIndex=1&limit=1"
        "&enableTotalRecordCount=false&enableUserData=false"
    ).json()
    assert [item["Id"] for item in paged["Items"]] == [mixes[1]]
    assert (paged["TotalRecordCount"], paged["StartIndex"]) == (1, 1)
    assert "UserData" not in paged["Items"][0]
    videos = user.api.get(f"/Users/{user.id}/Items/Resume?mediaTypes=Video").json()
    assert videos == {"Items": [], "TotalRecordCount": 0, "StartIndex": 0}

    user.api.post(f"/Users/{user.id}/PlayingItems/{mixes[1]}")  # playing it again, now
    active = user.api.get("/UserItems/Resume?excludeActiveSessions=true").json()
    assert [item["Id"] for item in active["Items"]] == [mixes[2], mixes[0]]


def test_resume_through_the_clients(stack, admin, mixes):
    user = resumable_history(stack, mixes)
    found = sdk(stack, user.token).items.get_resume_items(
        dashed(user.id), start_index=1, limit=5, media_types=["Audio"]
    )
    assert [item.id for item in found.items] == [mixes[1], mixes[0]]
    assert found.total_record_count == 3 and found.start_index == 1
    assert found.items[0].user_data.playback_position_ticks == 20 * 60 * TICKS
    none = sdk(stack, user.token).items.get_resume_items(user.id, media_types=["Video"])
    assert none.items is None and not hasattr(none, "total_record_count")  # the SDK's [] and 0

    api, _ = logged_in_client(stack, user, f"kodi-{secrets.token_hex(4)}")
    listed = api.get_resume_items(limit=2, media_types="Audio")
    assert [item["Id"] for item in listed["Items"]] == [mixes[2], mixes[1]]
    assert listed["TotalRecordCount"] == 3


def test_resume_refusals(stack, admin, mixes):
    user, other = new_listener(stack, "mine"), new_listener(stack, "theirs")
    boss = new_listener(stack, "boss", admin=True)
    assert other.api.get(f"/Users/{user.id}/Items/Resume").status_code == 403
    assert other.api.get(f"/UserItems/Resume?userId={user.id}").status_code == 403
    assert boss.api.get(f"/Users/{user.id}/Items/Resume").status_code == 200
    assert boss.api.get(f"/Users/{'e' * 32}/Items/Resume").status_code == 404
    refused = user.api.get(f"/Users/{user.id}/Items?Filters=IsFavorite")
    assert refused.status_code == 400 and "IsFavorite" in refused.json()["detail"]
    assert "Filters" in user.api.get(f"/Users/{user.id}/Items").json()["detail"]
    with pytest.raises(HTTPException):
        logged_in_client(stack, user, "dev")[0].get_user_items(filters="IsFavorite")


def test_logout_ends_the_device_sessions(stack, service_env, admin, mixes):
    user = new_listener(stack, "leaver")
    phone, tablet = f"phone-{secrets.token_hex(4)}", f"tablet-{secrets.token_hex(4)}"
    api, token = logged_in_client(stack, user, phone)
    logged_in_client(stack, user, tablet)
    api.session_playing({"ItemId": mixes[0], "PlaySessionId": "bye", "PositionTicks": 0})
    api.session_progress(
        {"ItemId": mixes[0], "PlaySessionId": "bye", "PositionTicks": 1200 * TICKS}
    )
    me = sdk(stack, user.token).session
    assert {session.device_id for session in me.get_sessions()} >= {phone, tablet}

    with ClusterRpcProxy({"AMQP_URI": service_env["AMQP_URI"]}, timeout=30) as proxy:
        # what POST /Sessions/Logout asks playstate, with the caller's principal
        resolved = proxy.accounts.authenticate(token)
        proxy.playstate.end_device_sessions({**resolved, "device_id": phone}, phone)
    devices = {session.device_id for session in me.get_sessions()}
    assert phone not in devices and tablet in devices
    data = user.api.get(f"/UserItems/{mixes[0]}/UserData").json()
    assert data["PlaybackPositionTicks"] == 1200 * TICKS  # stopped at its last position
    assert not any(hasattr(session, "now_playing_item") for session in me.get_sessions())
