"""The events service's room RPCs (API.md §4 roles) and the domain events they dispatch, against
the running stack: RPC over its RabbitMQ vhost, events read from the ``events.events`` exchange."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.errors import NotFound, PermissionDenied, ValidationFailed
from tests.support.accounts import new_organizer, new_team, new_user, team_token
from tests.support.domain_events import Listener


@pytest.fixture(scope="module")
def rpc(service_env: dict) -> Iterator[Any]:
    with ClusterRpcProxy({"AMQP_URI": service_env["AMQP_URI"]}, timeout=30) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def listener(stack, service_env: dict) -> Iterator[Listener]:
    listening = Listener(service_env["AMQP_URI"])
    yield listening
    listening.connection.release()


def principal(rpc: Any, token: str) -> dict:
    return rpc.accounts.authenticate(token)


def test_room_roles_actions_and_domain_events(stack, admin, rpc, listener):
    organizer = new_organizer(admin, "rooms")
    author, guest, stranger, team_admin = (
        new_user(stack, name) for name in ("author", "guest", "stranger", "teamadmin")
    )
    creators = new_team(admin, organizer, [author.user_id], can_create_events=True)
    new_team(
        admin,
        organizer,
        [team_admin.user_id],
        can_change_event_settings=True,
        limit_events=["room"],
    )
    created = author.api.post(
        f"/api/v1/organizers/{organizer}/events/",
        {"name": "Room", "slug": "room", "date_from": "2030-01-01T10:00:00Z", "is_public": False},
    )
    assert created.status_code == 201
    event_id = created.json()["id"]
    [(kind, payload)] = listener.take(1)
    assert kind == "event_changed" and payload["revision"] == 1
    assert payload["event"]["author"] == author.user_id
    assert payload["event"]["organizer"] == organizer
    assert payload["event"]["default_locale"] == "en"

    me, her, them = (principal(rpc, c.token) for c in (author, guest, stranger))
    tracks = [admin.post("/api/v1/tracks/", {"name": f"Song {n}"}).json() for n in range(3)]

    assert rpc.events.room_role(me, event_id) == "administrator"
    assert rpc.events.room_role(principal(rpc, team_admin.token), event_id) == "administrator"
    for who in (them, her, principal(rpc, team_token(stack, admin, organizer, creators).token)):
        with pytest.raises(PermissionDenied, match="Access denied"):
            rpc.events.room_role(who, event_id)
    with pytest.raises(NotFound, match="Event not found"):
        rpc.events.room_role(me, 10**9)

    rpc.events.invite_to_event(me, event_id, guest.user_id)
    [(kind, payload)] = listener.take(1)
    assert (kind, payload["user_id"], payload["access_mode"], payload["revision"]) == (
        "access_changed",
        guest.user_id,
        "guest",
        2,
    )
    assert rpc.events.room_role(her, event_id) == "guest"
    with pytest.raises(PermissionDenied):
        rpc.events.add_track(her, event_id, tracks[0]["id"])

    rpc.events.change_user_access_mode(me, event_id, guest.user_id, "moderator")
    assert listener.take(1)[0][1]["access_mode"] == "moderator"
    for track in tracks + [tracks[0]]:
        rpc.events.add_track(her, event_id, track["id"])
    added = listener.take(4)
    kind, payload = added[-1]
    assert kind == "playlist_changed" and payload["revision"] == 7
    assert payload["change"] == {
        "action": "add",
        "username": guest.api.get("/users/me").json()["Name"],
        "track_name": "Song 0",
    }
    playlist = payload["playlist"]
    assert (playlist["type"], playlist["access_type"], playlist["name"], playlist["author"]) == (
        "event",
        "private",
        "Room",
        author.user_id,
    )
    assert [(e["order"], e["track"]) for e in playlist["tracks"]] == [
        (0, tracks[0]["id"]),
        (1, tracks[1]["id"]),
        (2, tracks[2]["id"]),
        (3, tracks[0]["id"]),
    ]

    rpc.events.remove_track(her, event_id, tracks[0]["id"])
    kind, payload = listener.take(1)[0]
    assert payload["change"]["action"] == "remove"
    assert [(e["order"], e["track"]) for e in payload["playlist"]["tracks"]] == [
        (0, tracks[1]["id"]),
        (1, tracks[2]["id"]),
    ]

    refused = [
        (
            PermissionDenied,
            "Access denied",
            lambda: rpc.events.change_event(her, event_id, "X", None),
        ),
        (
            PermissionDenied,
            "Access denied",
            lambda: rpc.events.change_user_access_mode(her, event_id, guest.user_id, "guest"),
        ),
        (NotFound, "Track not found", lambda: rpc.events.add_track(her, event_id, 10**9)),
        (
            NotFound,
            "Track not found",
            lambda: rpc.events.remove_track(her, event_id, tracks[0]["id"]),
        ),
        (NotFound, "User not found", lambda: rpc.events.invite_to_event(me, event_id, 10**9)),
        (
            NotFound,
            "User not found",
            lambda: rpc.events.change_user_access_mode(me, event_id, stranger.user_id, "guest"),
        ),
        (
            ValidationFailed,
            "access_mode",
            lambda: rpc.events.change_user_access_mode(me, event_id, guest.user_id, "owner"),
        ),
        (
            ValidationFailed,
            "event_access_type",
            lambda: rpc.events.change_event(me, event_id, None, "secret"),
        ),
    ]
    for error, text, call in refused:
        with pytest.raises(error, match=text):
            call()
    assert listener.nothing_more()

    rpc.events.revoke_from_event(her, event_id, guest.user_id)
    kind, payload = listener.take(1)[0]
    assert (kind, payload["access_mode"], payload["revision"]) == ("access_changed", None, 9)
    with pytest.raises(PermissionDenied):
        rpc.events.room_role(her, event_id)

    rpc.events.change_event(me, event_id, "Renamed", "public")
    kind, payload = listener.take(1)[0]
    assert kind == "event_changed" and payload["revision"] == 10
    assert payload["event"]["name"] == {"en": "Renamed"} and payload["event"]["is_public"]
    assert rpc.events.room_role(them, event_id) == "guest"

    snapshot = rpc.events.room_snapshot(them, event_id)
    assert snapshot["revision"] == 10 and snapshot["event"]["id"] == event_id
    assert snapshot["playlist"]["access_type"] == "public"
    assert len(snapshot["playlist"]["tracks"]) == 2

    assert author.api.delete(f"/api/v1/organizers/{organizer}/events/room/").status_code == 403
    assert admin.delete(f"/api/v1/organizers/{organizer}/events/room/").status_code == 204
    assert listener.take(1) == [("event_deleted", {"event_id": event_id, "revision": 11})]
    with pytest.raises(NotFound, match="Event not found"):
        rpc.events.room_snapshot(me, event_id)
