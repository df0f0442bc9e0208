"""The event room's limits and roles of API.md §4 (ours) over real websockets: 20 sockets per user
(HTTP 429 at the handshake), 20 requests a second in bursts of 40 (`Too many requests`, not run),
1,000 entries per playlist (`Playlist is full`), a moderator cannot invite or revoke an
administrator, and the author is administrator only while a member of a team of the organizer."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from websockets.exceptions import InvalidStatus

from services.common.database import make_engine
from services.events.playlists import MAX_ENTRIES
from tests.support.accounts import new_organizer, new_team, new_user
from tests.support.rooms import RoomClient, new_event

#: the gateway's defaults (README's configuration table)
SOCKETS_PER_USER = 20
BURST = 40


@pytest.fixture(scope="module")
def world(stack, admin):
    organizer = new_organizer(admin, "limits")
    author = new_user(stack, "author")
    team = new_team(admin, organizer, [author.user_id], can_create_events=True)
    track = admin.post("/api/v1/tracks/", {"name": "Limit"}).json()["id"]
    return SimpleNamespace(
        stack=stack, admin=admin, organizer=organizer, author=author, team=team, track=track
    )


def connect(world, event_id, caller) -> RoomClient:
    return RoomClient(world.stack.url, event_id, caller.token)


def error_of(frame: dict) -> str:
    assert frame["event"] == "error", frame
    return frame["payload"]["error"]["message"]


def test_a_user_opens_at_most_20_sockets_the_next_handshake_is_429(world):
    event_id = new_event(world.author.api, world.organizer, "cap")
    other = new_user(world.stack, "other")
    opened = [connect(world, event_id, world.author) for _ in range(SOCKETS_PER_USER)]
    try:
        with pytest.raises(InvalidStatus) as refused:
            connect(world, event_id, world.author)
        assert refused.value.response.status_code == 429
        with RoomClient(world.stack.url, event_id, other.token) as stranger:
            assert stranger.closed_with() == 4403  # counted apart: refused for access only
        opened.pop().close()
        with connect(world, event_id, world.author) as again:  # a closed socket frees its slot
            again.send("sync")
            assert again.recv()["event"] == "event.changed"
    finally:
        for client in opened:
            client.close()


def test_beyond_the_burst_a_request_is_too_many_and_not_run(world):
    event_id = new_event(world.author.api, world.organizer, "rate")
    with connect(world, event_id, world.author) as client:
        # answered without a service call, so the bucket has no time to refill meanwhile
        for number in range(5 * BURST):
            client.send("dance", request_id=number)
        client.send("add_track", {"track_id": world.track}, request_id="add")
        answers = [client.recv() for _ in range(5 * BURST + 1)]
        messages = [error_of(frame) for frame in answers]
        assert messages[:BURST] == ["Action not exist"] * BURST
        assert "Too many requests" in messages
        assert set(messages) == {"Action not exist", "Too many requests"}
        assert [frame["request_id"] for frame in answers] == [*range(5 * BURST), "add"]
        assert messages[-1] == "Too many requests"

        time.sleep(BURST / 20 + 0.5)  # the bucket full again (20 a second)
        client.send("sync", request_id="after")
        client.recv()
        playlist = client.recv()["payload"]["playlist"]
        assert playlist["tracks"] == []  # the refused add_track did not run


def test_a_playlist_holds_1000_entries(world, service_env):
    event_id = new_event(world.author.api, world.organizer, "full")
    engine = make_engine(service_env["EVENTS_DATABASE_URL"])
    with engine.begin() as db:  # filled directly: 1,000 requests would take the rate limit's time
        playlist = db.execute(
            text("SELECT id FROM playlists WHERE event_id = :e"), {"e": event_id}
        ).scalar_one()
        db.execute(
            text(
                'INSERT INTO playlist_entries (playlist_id, track_id, "order") VALUES (:p, :t, :o)'
            ),
            [{"p": playlist, "t": world.track, "o": n} for n in range(MAX_ENTRIES - 1)],
        )
    engine.dispose()
    with connect(world, event_id, world.author) as client:
        client.send("add_track", {"track_id": world.track}, request_id="last")
        frame = client.recv()
        assert frame["event"] == "playlist.changed" and frame["request_id"] == "last"
        entries = frame["payload"]["playlist"]["tracks"]
        assert len(entries) == MAX_ENTRIES
        assert {entry["track"] for entry in entries} == {world.track}
        client.send("add_track", {"track_id": world.track}, request_id="one more")
        frame = client.recv()
        assert frame["request_id"] == "one more"
        assert frame["payload"]["error"] == {"message": "Playlist is full"}


def test_a_moderator_cannot_invite_or_revoke_an_administrator(world):
    event_id = new_event(world.author.api, world.organizer, "mods")
    mod, admin_user, guest = (new_user(world.stack, name) for name in ("mod", "adm", "guest"))
    with connect(world, event_id, world.author) as author:
        for user in (mod, admin_user, guest):
            author.send("invite_to_event", {"user_id": user.user_id})
            author.recv()
        for user, mode in ((mod, "moderator"), (admin_user, "administrator")):
            author.send("change_user_access_mode", {"user_id": user.user_id, "access_mode": mode})
            author.recv()
        with connect(world, event_id, mod) as moderator:
            for action, target in (
                ("invite_to_event", admin_user),
                ("revoke_from_event", admin_user),
                ("revoke_from_event", world.author),
            ):
                moderator.send(action, {"user_id": target.user_id}, request_id=action)
                frame = moderator.recv()
                assert (error_of(frame), frame["request_id"]) == ("Access denied", action)
            moderator.send("revoke_from_event", {"user_id": guest.user_id}, request_id="guest")
            assert moderator.recv()["event"] == "event.changed"
            assert author.recv()["event"] == "event.changed"  # only the allowed one broadcast


def test_the_author_is_administrator_only_while_in_a_team_of_the_organizer(world):
    author = new_user(world.stack, "leaving")
    team = new_team(world.admin, world.organizer, [author.user_id], can_create_events=True)
    event_id = new_event(author.api, world.organizer, "leaving")
    with connect(world, event_id, author) as client:
        client.send("change_event", {"event_name": "Mine"})
        assert client.recv()["event"] == "event.changed"
        removed = world.admin.delete(
            f"/api/v1/organizers/{world.organizer}/teams/{team}/members/{author.user_id}/"
        )
        assert removed.status_code == 204
        assert client.closed_with() == 4403  # a private event: no role left
    with connect(world, event_id, author) as client:
        assert client.closed_with() == 4403
