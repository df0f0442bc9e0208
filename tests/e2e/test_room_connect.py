"""Connecting to the event room websocket (API.md §4): credentials at the handshake, unknown
events, access, and ``sync``."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus

from tests.support.accounts import new_organizer, new_team, new_user, team_token
from tests.support.rooms import RoomClient


@pytest.fixture(scope="module")
def room(stack, admin):
    """An organizer, its private event made by `author`, and a stranger."""

    organizer = new_organizer(admin, "connect")
    author, stranger = new_user(stack, "author"), new_user(stack, "stranger")
    team = new_team(admin, organizer, [author.user_id], can_create_events=True)
    created = author.api.post(
        f"/api/v1/organizers/{organizer}/events/",
        {
            "name": {"en": "Connect", "de": "Verbinden"},
            "slug": "connect",
            "date_from": "2030-01-01T10:00:00Z",
            "date_to": "2030-01-01T12:00:00Z",
            "is_public": False,
        },
    )
    assert created.status_code == 201, created.text
    return {
        "admin": admin,
        "organizer": organizer,
        "author": author,
        "stranger": stranger,
        "event_id": created.json()["id"],
        "team": team,
    }


def handshake_status(stack, event_id, **kwargs) -> int:
    with pytest.raises(InvalidStatus) as refused:
        RoomClient(stack.url, event_id, **kwargs)
    return refused.value.response.status_code


def test_no_or_bad_credentials_are_refused_at_the_handshake(stack, room):
    assert handshake_status(stack, room["event_id"]) == 401
    assert handshake_status(stack, room["event_id"], token="not-a-token") == 401
    assert handshake_status(stack, room["event_id"], query="token=not-a-token") == 401


def test_unknown_event_closes_4404_and_no_access_4403(stack, room):
    with RoomClient(stack.url, 10**9, room["author"].token) as client:
        assert client.closed_with() == 4404
    with RoomClient(stack.url, room["event_id"], room["stranger"].token) as client:
        assert client.closed_with() == 4403
    team = team_token(stack, room["admin"], room["organizer"], room["team"])
    with RoomClient(stack.url, room["event_id"], team.token) as client:
        assert client.closed_with() == 4403


@pytest.mark.parametrize(
    "credentials",
    [
        lambda token: {"token": token},
        lambda token: {"headers": {"Authorization": f"Token {token}"}},
        lambda token: {"headers": {"X-Emby-Token": token}},
        lambda token: {"headers": {"Authorization": f'MediaBrowser Client="ios", Token="{token}"'}},
        lambda token: {"query": f"token={token}"},
        lambda token: {"query": f"api_key={token}"},
    ],
)
def test_sync_answers_the_sender_with_the_room_state(stack, room, credentials):
    with RoomClient(stack.url, room["event_id"], **credentials(room["author"].token)) as client:
        client.send("sync", request_id="r1")
        event, playlist = client.recv_many(2)
    assert event["event"] == "event.changed" and event["request_id"] == "r1"
    assert event["payload"]["change_message"] == "Someone change event data"
    assert event["payload"]["event"] == {
        "id": room["event_id"],
        "name": "Connect",
        "access_type": "private",
        "start_date": "2030-01-01T10:00:00Z",
        "end_date": "2030-01-01T12:00:00Z",
        "is_finished": False,
        "author": room["author"].user_id,
        "playlist": playlist["payload"]["playlist"]["id"],
    }
    assert playlist["event"] == "playlist.changed" and playlist["request_id"] == "r1"
    assert playlist["payload"]["playlist"] == {
        "id": playlist["payload"]["playlist"]["id"],
        "tracks": [],
        "name": "Connect",
        "type": "event",
        "access_type": "private",
        "author": room["author"].user_id,
    }
    assert event["payload"]["revision"] == playlist["payload"]["revision"] >= 1


def test_a_plain_get_is_no_upgrade(stack, room):
    response = room["author"].api.get(f"/ws/event/{room['event_id']}/")
    assert response.status_code == 400


def test_pings_are_answered(stack, room):
    with RoomClient(stack.url, room["event_id"], room["author"].token) as client:
        assert client.ws.ping(b"are you there").wait(30)
        client.send("sync", request_id="still")
        assert [frame["request_id"] for frame in client.recv_many(2)] == ["still", "still"]
