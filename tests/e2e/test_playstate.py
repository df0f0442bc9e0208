"""API.md §3 over HTTP: user item data (mark played/unplayed, read-backs), GUID forms, input
reading, authorization and error statuses."""

import re

import pytest

from tests.support.accounts import new_organizer, new_team, team_token
from tests.support.client import Api
from tests.support.playstate import TICKS, dashed, new_listener, new_track

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ALWAYS = {"Played", "PlayCount", "PlaybackPositionTicks", "IsFavorite", "Key", "ItemId"}


@pytest.fixture(scope="module")
def track(admin):
    return new_track(admin, 3600, resumable=True)


@pytest.fixture
def me(stack):
    return new_listener(stack)


def test_mark_played_and_unplayed(me, track):
    path = f"/Users/{me.id}/PlayedItems/{track}"
    played = me.api.post(path)
    assert played.status_code == 200
    body = played.json()
    assert set(body) >= ALWAYS
    assert body["Played"] is True and body["PlayCount"] == 1 and body["PlaybackPositionTicks"] == 0
    assert body["ItemId"] == track and body["Key"] == track and body["IsFavorite"] is False
    assert ISO_Z.match(body["LastPlayedDate"])
    assert not {"Rating", "Likes", "UnplayedItemCount", "PlayedPercentage"} & set(body)
    first_date = body["LastPlayedDate"]

    again = me.api.post(path).json()  # no date: count stays, at least 1; date kept
    assert again["PlayCount"] == 1 and again["LastPlayedDate"] == first_date

    dated = me.api.post(path, params={"datePlayed": "2024-05-01T10:00:00Z"}).json()
    assert dated["PlayCount"] == 2 and dated["LastPlayedDate"].startswith("2024-05-01T10:00:00")

    offset = me.api.post(path, params={"datePlayed": "2024-05-01T12:30:00+02:00"}).json()
    assert offset["PlayCount"] == 3 and offset["LastPlayedDate"].startswith("2024-05-01T10:30:00")
    naive = me.api.post(path, params={"datePlayed": "2024-05-02T08:00:00"}).json()
    assert naive["LastPlayedDate"].startswith("2024-05-02T08:00:00")
    compact = me.api.post(path, params={"datePlayed": "20240503091500"}).json()
    assert compact["PlayCount"] == 5 and compact["LastPlayedDate"].startswith("2024-05-03T09:15:00")

    unplayed = me.api.delete(path)
    assert unplayed.status_code == 200
    assert unplayed.json() == {
        "Played": False,
        "PlayCount": 0,
        "PlaybackPositionTicks": 0,
        "IsFavorite": False,
        "Key": track,
        "ItemId": track,
    }
    assert me.api.get(f"/Users/{me.id}/Items/{track}/UserData").json() == unplayed.json()


def test_mark_played_after_unplayed_without_date_counts_one(me, track):
    path = f"/Users/{me.id}/PlayedItems/{track}"
    me.api.delete(path)
    body = me.api.post(path).json()
    assert body["PlayCount"] == 1 and ISO_Z.match(body["LastPlayedDate"])


def test_untouched_item_has_defaults(me, track):
    body = me.api.get(f"/Users/{me.id}/Items/{track}/UserData")
    assert body.status_code == 200
    assert body.json() == {
        "Played": False,
        "PlayCount": 0,
        "PlaybackPositionTicks": 0,
        "IsFavorite": False,
        "Key": track,
        "ItemId": track,
    }


def test_both_guid_forms_and_any_case(me, track):
    path = f"/users/{me.dashed.upper()}/playeditems/{dashed(track)}"
    body = me.api.post(path, params={"DATEPLAYED": "2024-01-01T00:00:00Z"})
    assert body.status_code == 200 and body.json()["ItemId"] == track
    assert body.json()["LastPlayedDate"].startswith("2024-01-01T00:00:00")
    read = me.api.get(f"/USERS/{me.id}/ITEMS/{track.upper()}/USERDATA")
    assert read.status_code == 200 and read.json()["PlayCount"] == 1


def test_jellyfin_10_9_routes(me, track):
    marked = me.api.post(f"/UserPlayedItems/{track}")
    assert marked.status_code == 200 and marked.json()["Played"] is True
    read = me.api.get(f"/UserItems/{track}/UserData", params={"userId": me.dashed})
    assert read.status_code == 200 and read.json()["Played"] is True
    unmarked = me.api.delete(f"/UserPlayedItems/{track}", params={"userId": me.id})
    assert unmarked.status_code == 200 and unmarked.json()["Played"] is False
    assert me.api.get(f"/UserItems/{track}/UserData").json()["Played"] is False


def test_routes_without_body_ignore_one(me, track):
    response = me.api.post(
        f"/Users/{me.id}/PlayedItems/{track}",
        data="not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    started = me.api.post(
        f"/PlayingItems/{track}", data="{broken", headers={"Content-Type": "application/json"}
    )
    assert started.status_code == 204


def test_no_credentials_401(stack, track):
    anonymous = Api(stack.url)
    guid = "0" * 32
    assert anonymous.post(f"/Users/{guid}/PlayedItems/{track}").status_code == 401
    assert anonymous.get(f"/Users/{guid}/Items/{track}/UserData").status_code == 401
    assert anonymous.post("/Sessions/Playing", json={"ItemId": track}).status_code == 401
    assert (
        anonymous.post("/Sessions/Playing/Ping", params={"playSessionId": "x"}).status_code == 401
    )
    assert Api(stack.url, "not-a-token").post(f"/UserPlayedItems/{track}").status_code == 401


def test_own_data_only_admins_anyone(stack, admin, me, track):
    other = new_listener(stack, "other")
    for response in (
        other.api.post(f"/Users/{me.id}/PlayedItems/{track}"),
        other.api.delete(f"/Users/{me.id}/PlayedItems/{track}"),
        other.api.get(f"/Users/{me.id}/Items/{track}/UserData"),
        other.api.post(f"/UserPlayedItems/{track}", params={"userId": me.id}),
        other.api.get(f"/UserItems/{track}/UserData", params={"userId": me.id}),
    ):
        assert response.status_code == 403
    assert "detail" in other.api.post(f"/Users/{me.id}/PlayedItems/{track}").json()
    by_admin = admin.post(f"/Users/{me.dashed}/PlayedItems/{track}")
    assert by_admin.status_code == 200 and by_admin.json()["Played"] is True
    assert me.api.get(f"/Users/{me.id}/Items/{track}/UserData").json()["Played"] is True
    assert admin.get(f"/UserItems/{track}/UserData", params={"userId": me.id}).json()["Played"]


def test_playing_items_only_for_the_caller(stack, admin, me, track):
    other = new_listener(stack, "other")
    for api in (other.api, admin):
        assert api.post(f"/Users/{me.id}/PlayingItems/{track}").status_code == 403
        assert (
            api.post(
                f"/Users/{me.id}/PlayingItems/{track}/Progress", params={"positionTicks": 5}
            ).status_code
            == 403
        )
        assert api.delete(f"/Users/{me.id}/PlayingItems/{track}").status_code == 403


def test_unknown_user_or_item_404(admin, me, track):
    unknown = "0123456789abcdef0123456789abcdef"
    assert admin.post(f"/Users/{unknown}/PlayedItems/{track}").status_code == 404
    assert admin.get(f"/Users/{unknown}/Items/{track}/UserData").status_code == 404
    assert me.api.post(f"/Users/{me.id}/PlayedItems/{unknown}").status_code == 404
    assert me.api.get(f"/UserItems/{unknown}/UserData").status_code == 404
    assert me.api.post(f"/Users/{me.id}/PlayingItems/{unknown}").status_code == 404
    assert me.api.post("/Sessions/Playing", json={"ItemId": unknown}).status_code == 404


def test_team_tokens_refused(stack, admin, track):
    organizer = new_organizer(admin)
    team = team_token(stack, admin, organizer, new_team(admin, organizer, all_events=True)).api
    guid = "0" * 32
    for response in (
        team.post(f"/Users/{guid}/PlayedItems/{track}"),
        team.post(f"/UserPlayedItems/{track}"),
        team.get(f"/UserItems/{track}/UserData"),
        team.post(f"/PlayingItems/{track}"),
        team.post("/Sessions/Playing", json={"ItemId": track}),
        team.post("/Sessions/Playing/Ping", params={"playSessionId": "x"}),
    ):
        assert response.status_code == 403


@pytest.mark.parametrize(
    "bad",
    ["nope", "1234", "0123456789abcdef0123456789abcdeg", "01234567-89ab-cdef-0123-456789abcdef0"],
)
def test_bad_guids_400(me, track, bad):
    assert me.api.post(f"/Users/{bad}/PlayedItems/{track}").status_code == 400
    assert me.api.post(f"/Users/{me.id}/PlayedItems/{bad}").status_code == 400
    assert me.api.get(f"/UserItems/{bad}/UserData").status_code == 400
    assert me.api.get(f"/UserItems/{track}/UserData", params={"userId": bad}).status_code == 400
    assert me.api.post(f"/PlayingItems/{bad}").status_code == 400
    assert me.api.post("/Sessions/Playing", json={"ItemId": bad}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"isPaused": "maybe"},
        {"isMuted": "1"},
        {"positionTicks": "ten"},
        {"positionTicks": -1},
        {"playMethod": "Stream"},
        {"playMethod": "7"},
        {"repeatMode": "RepeatSome"},
        {"volumeLevel": "loud"},
        {"audioStreamIndex": "1.5"},
        {"positionTicks": 2**63},
        {"volumeLevel": 2**31},
        {"playSessionId": "x" * 300},
    ],
)
def test_bad_query_values_400(me, track, params):
    response = me.api.post(f"/Users/{me.id}/PlayingItems/{track}/Progress", params=params)
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("date", ["yesterday", "2024-13-01T00:00:00Z", "2024050110"])
def test_bad_dates_400(me, track, date):
    response = me.api.post(f"/Users/{me.id}/PlayedItems/{track}", params={"datePlayed": date})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        '{"ItemId": ',
        "[1, 2]",
        '"text"',
        '{"ItemId": "%s", "PositionTicks": {"a": 1}}',
        '{"ItemId": "%s", "IsPaused": "perhaps"}',
        '{"ItemId": "%s", "PlayMethod": "Teleport"}',
        '{"ItemId": "%s", "PositionTicks": -5}',
    ],
)
def test_malformed_bodies_400(me, track, body):
    for path in ("/Sessions/Playing", "/Sessions/Playing/Progress", "/Sessions/Playing/Stopped"):
        response = me.api.post(
            path, data=body.replace("%s", track), headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, (path, body, response.text)


def test_a_device_id_over_255_characters_is_400_naming_it(stack, track):
    """API.md §1 "Limits": Jellyfin's DeviceId has at most 255 characters."""
    token = new_listener(stack).token
    device = Api(
        stack.url,
        headers={
            "Authorization": f'MediaBrowser Client="c", Device="d", '
            f'DeviceId="{"d" * 400}", Token="{token}"'
        },
    )
    response = device.post(f"/PlayingItems/{track}", params={"playSessionId": "long"})
    assert response.status_code == 400
    assert response.json() == {"DeviceId": ["Ensure this field has no more than 255 characters."]}


def test_ping(me):
    assert (
        me.api.post("/Sessions/Playing/Ping", params={"playSessionId": "nothing"}).status_code
        == 204
    )
    assert me.api.post("/Sessions/Playing/Ping").status_code == 400


def test_thresholds_in_ticks(me, track):
    """1 tick = 100 ns: 3600 s is 36,000,000,000 ticks, and 50 % shows as 50.0."""
    me.api.post(
        f"/Users/{me.id}/PlayingItems/{track}/Progress", params={"positionTicks": 1800 * TICKS}
    )
    body = me.api.get(f"/Users/{me.id}/Items/{track}/UserData").json()
    assert body["PlaybackPositionTicks"] == 18_000_000_000 and body["PlayedPercentage"] == 50.0
