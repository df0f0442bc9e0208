"""Now playing in an event room (API.md §4), driven by the real Jellyfin clients: a present user's
start, pause, resume, seek and stop of a playlist track reach the room's sockets that asked
(`?with=now_playing`) as `now_playing.changed` with the room's whole list; progress that only
advances sends nothing; someone not in the room plays unseen.

- ``jellyfinapi`` (the seed's SDK): PlaybackStartInfo / PlaybackProgressInfo / PlaybackStopInfo;
- ``jellyfin-apiclient-python``: login by name, then its session reports.
"""

from __future__ import annotations

import time
from typing import Any

from jellyfin_apiclient_python import JellyfinClient
from jellyfinapi.jellyfinapi_client import JellyfinapiClient
from jellyfinapi.models.playback_progress_info import PlaybackProgressInfo
from jellyfinapi.models.playback_start_info import PlaybackStartInfo
from jellyfinapi.models.playback_stop_info import PlaybackStopInfo

from tests.support.accounts import new_organizer
from tests.support.client import Api
from tests.support.playstate import TICKS, JellyfinUser, dashed, new_listener
from tests.support.rooms import RoomClient, new_event

NOW_PLAYING = "with=now_playing"


def room_with_track(admin: Api, token: str, prefix: str) -> tuple[int, dict[str, Any]]:
    """A public event whose playlist holds a new 4-minute track; (event id, track)."""
    event_id = new_event(admin, new_organizer(admin, prefix), prefix, is_public=True)
    track = admin.post(
        "/api/v1/tracks/", {"name": f"{prefix} song", "artist": "Testers", "duration": 240}
    ).json()
    with RoomClient(admin.base_url, event_id, token) as author:
        author.send("add_track", {"track_id": track["id"]})
        author.wait_for("playlist.changed")
    return event_id, track


def setlist_id(user: JellyfinUser) -> int:
    return user.api.get("/Users/Me").json()["SetlistId"]


def next_list(watcher: RoomClient) -> list[dict[str, Any]]:
    return watcher.wait_for("now_playing.changed")["now_playing"]


def test_jellyfinapi_start_pause_resume_seek_stop_reach_the_room(stack, admin, admin_token):
    event_id, track = room_with_track(admin, admin_token, "np-sdk")
    listener, stranger = new_listener(stack, "np"), new_listener(stack, "np-stranger")
    listener_id = setlist_id(listener)
    item = dashed(track["uuid"])
    playing = JellyfinapiClient(x_emby_token=listener.token, server_url=stack.url).playstate
    elsewhere = JellyfinapiClient(x_emby_token=stranger.token, server_url=stack.url).playstate

    with (
        RoomClient(stack.url, event_id, admin_token, query=NOW_PLAYING) as watcher,
        RoomClient(stack.url, event_id, listener.token) as present,
    ):
        present.send("sync")
        watcher.send("sync")
        assert watcher.wait_for("now_playing.changed") == {"now_playing": []}

        elsewhere.report_playback_start(
            PlaybackStartInfo(item_id=item, play_session_id="away", position_ticks=0)
        )
        started = time.monotonic()
        playing.report_playback_start(
            PlaybackStartInfo(item_id=item, play_session_id="np-1", position_ticks=0, can_seek=True)
        )
        [entry] = next_list(watcher)
        assert entry["user"] == listener_id and entry["username"] == listener.name
        assert (entry["track"], entry["position_ticks"], entry["is_paused"]) == (
            track["id"],
            0,
            False,
        )
        assert entry["updated_at"].endswith("Z")

        # only advancing: nothing is sent, so the next message is the pause's
        advanced = int((time.monotonic() - started) * TICKS)
        playing.report_playback_progress(
            PlaybackProgressInfo(
                item_id=item, play_session_id="np-1", position_ticks=advanced, is_paused=False
            )
        )
        playing.report_playback_progress(
            PlaybackProgressInfo(
                item_id=item, play_session_id="np-1", position_ticks=advanced, is_paused=True
            )
        )
        [entry] = next_list(watcher)
        assert (entry["is_paused"], entry["position_ticks"]) == (True, advanced)

        playing.report_playback_progress(
            PlaybackProgressInfo(
                item_id=item, play_session_id="np-1", position_ticks=advanced, is_paused=False
            )
        )
        assert next_list(watcher)[0]["is_paused"] is False
        playing.report_playback_progress(
            PlaybackProgressInfo(
                item_id=item, play_session_id="np-1", position_ticks=180 * TICKS, is_paused=False
            )
        )
        assert next_list(watcher)[0]["position_ticks"] == 180 * TICKS  # a seek

        playing.report_playback_stopped(
            PlaybackStopInfo(item_id=item, play_session_id="np-1", position_ticks=181 * TICKS)
        )
        assert next_list(watcher) == []


def test_jellyfin_apiclient_python_playback_reaches_the_room(stack, admin, admin_token):
    event_id, track = room_with_track(admin, admin_token, "np-kodi")
    listener = new_listener(stack, "np-kodi")
    client = JellyfinClient()
    client.config.app("setlist-tests", "1.0.0", "pytest", "np-device")
    client.config.data["auth.ssl"] = False
    client.auth.connect_to_address(stack.url)
    client.auth.login(stack.url, listener.name, "pw-" + listener.name)
    api = client.jellyfin

    with (
        RoomClient(stack.url, event_id, admin_token, query="with=presence,now_playing") as watcher,
        RoomClient(stack.url, event_id, listener.token),
    ):
        watcher.wait_for(
            "presence.changed",
            lambda p: any(user["username"] == listener.name for user in p["joined"]),
        )
        api.session_playing(
            {
                "ItemId": track["uuid"],
                "PlaySessionId": "kodi-np",
                "PositionTicks": 30 * TICKS,
                "CanSeek": True,
                "PlayMethod": "DirectPlay",
                "EventName": "start",
            }
        )
        [entry] = next_list(watcher)
        assert (entry["username"], entry["track"], entry["position_ticks"]) == (
            listener.name,
            track["id"],
            30 * TICKS,
        )
        api.session_progress(
            {
                "ItemId": track["uuid"],
                "PlaySessionId": "kodi-np",
                "PositionTicks": 31 * TICKS,
                "IsPaused": True,
                "EventName": "pause",
            }
        )
        assert next_list(watcher)[0]["is_paused"] is True
        api.session_stop(
            {"ItemId": track["uuid"], "PlaySessionId": "kodi-np", "PositionTicks": 31 * TICKS}
        )
        assert next_list(watcher) == []
