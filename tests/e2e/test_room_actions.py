"""The event room's actions over real websockets (API.md §4): both payload forms, roles checked on
every request, every refusal, broadcasts to the whole room (sender included), revocation, and
revision order under rapid changes."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tests.support.accounts import new_organizer, new_team, new_user
from tests.support.rooms import RoomClient, new_event, username


@pytest.fixture(scope="module")
def world(stack, admin):
    organizer = new_organizer(admin, "actions")
    author, mod, guest, stranger = (
        new_user(stack, name) for name in ("author", "mod", "guest", "stranger")
    )
    new_team(admin, organizer, [author.user_id], can_create_events=True)
    tracks = [admin.post("/api/v1/tracks/", {"name": f"Song {n}"}).json() for n in range(4)]
    return SimpleNamespace(
        stack=stack,
        admin=admin,
        organizer=organizer,
        author=author,
        mod=mod,
        guest=guest,
        stranger=stranger,
        tracks=tracks,
        names={c.user_id: username(c) for c in (author, mod, guest)},
    )


def connect(world, event_id, caller) -> RoomClient:
    return RoomClient(world.stack.url, event_id, caller.token)


def everyone_gets(clients, event, sender=None, request_id=None) -> dict:
    """Each client's next frame is the same `event` broadcast; only the sender's copy carries
    the request id. Returns its payload."""
    frames = [client.recv() for client in clients]
    payloads = []
    for client, frame in zip(clients, frames, strict=True):
        assert frame["event"] == event, frame
        if client is sender and request_id is not None:
            assert frame.pop("request_id") == request_id
        assert "request_id" not in frame
        payloads.append(frame["payload"])
    assert all(payload == payloads[0] for payload in payloads)
    return payloads[0]


def refused(client, frame, request_id=None) -> dict:
    answer = client.recv()
    assert answer.get("request_id") == request_id
    assert answer["event"] == "error"
    return answer["payload"]["error"]


def test_every_action_in_both_forms_is_broadcast_to_the_whole_room(world):
    event_id = new_event(world.author.api, world.organizer, "forms")
    t = [track["id"] for track in world.tracks]
    with connect(world, event_id, world.author) as author:
        author.send(
            "invite.to.event", {"inviteToEvent": {"userId": world.mod.user_id}}, request_id=1
        )
        invited = everyone_gets([author], "event.changed", author, 1)
        assert invited["change_message"] == "Someone change event data"
        author.send("invite_to_event", {"user_id": world.guest.user_id})
        everyone_gets([author], "event.changed")
        author.send(
            "change.user.access.mode",
            {"changeUserAccessMode": {"userId": world.mod.user_id, "accessMode": "moderator"}},
            request_id="x",
        )
        everyone_gets([author], "event.changed", author, "x")

        with (
            connect(world, event_id, world.mod) as mod,
            connect(world, event_id, world.guest) as guest,
        ):
            room = [author, mod, guest]
            mod.send("add.track", {"addTrack": {"trackId": t[1]}}, request_id="m1")
            added = everyone_gets(room, "playlist.changed", mod, "m1")
            assert added["change_message"] == (
                f"{world.names[world.mod.user_id]} add track Song 1 to playlist"
            )
            mod.send("add_track", {"track_id": t[2]})
            added_again = everyone_gets(room, "playlist.changed")
            author.send("addTrack", {"track_id": t[1]}, request_id=7)
            playlist = everyone_gets(room, "playlist.changed", author, 7)["playlist"]
            assert [(e["order"], e["track"]) for e in playlist["tracks"]] == [
                (0, t[1]),
                (1, t[2]),
                (2, t[1]),
            ]
            author.send("remove.track", {"removeTrack": {"trackId": t[1]}})
            removed = everyone_gets(room, "playlist.changed")
            assert removed["change_message"] == (
                f"{world.names[world.author.user_id]} remove track Song 1 from playlist"
            )
            assert [(e["order"], e["track"]) for e in removed["playlist"]["tracks"]] == [(0, t[2])]
            mod.send("remove_track", {"track_id": t[2]})
            assert everyone_gets(room, "playlist.changed")["playlist"]["tracks"] == []

            author.send(
                "change.event",
                {"changeEvent": {"eventName": "Renamed", "eventAccessType": "public"}},
            )
            changed = everyone_gets(room, "event.changed")["event"]
            assert (changed["name"], changed["access_type"]) == ("Renamed", "public")
            author.send("change_event", {"event_name": "", "event_access_type": "private"})
            changed = everyone_gets(room, "event.changed")["event"]
            assert (changed["name"], changed["access_type"]) == ("Renamed", "private")

            mod.send(
                "revoke.from.event",
                {"revokeFromEvent": {"userId": world.guest.user_id}},
                request_id="bye",
            )
            assert guest.closed_with() == 4403
            everyone_gets([author, mod], "event.changed", mod, "bye")

        author.send("invite_to_event", {"user_id": world.guest.user_id})
        everyone_gets([author], "event.changed")
        with connect(world, event_id, world.guest) as guest:
            author.send("revoke_from_event", {"user_id": world.guest.user_id})
            assert guest.closed_with() == 4403
            everyone_gets([author], "event.changed")
        revisions = [added["revision"], added_again["revision"]]
        assert revisions[0] < revisions[1]


def test_roles_are_checked_on_every_request_and_refusals_go_to_the_sender_only(world):
    event_id = new_event(world.author.api, world.organizer, "roles")
    t = [track["id"] for track in world.tracks]
    with connect(world, event_id, world.author) as author:
        author.send("invite_to_event", {"user_id": world.guest.user_id})
        author.send("invite_to_event", {"user_id": world.mod.user_id})
        author.send(
            "change_user_access_mode", {"user_id": world.mod.user_id, "access_mode": "moderator"}
        )
        author.recv_many(3)
        with (
            connect(world, event_id, world.guest) as guest,
            connect(world, event_id, world.mod) as mod,
        ):
            room = [author, guest, mod]
            denied = [
                (guest, "add_track", {"track_id": t[0]}),
                (guest, "remove_track", {"track_id": t[0]}),
                (guest, "invite_to_event", {"user_id": world.stranger.user_id}),
                (guest, "revoke_from_event", {"user_id": world.mod.user_id}),
                (guest, "change_event", {"event_name": "Mine"}),
                (mod, "change_event", {"event_name": "Mine"}),
                (
                    mod,
                    "change_user_access_mode",
                    {"user_id": world.guest.user_id, "access_mode": "moderator"},
                ),
            ]
            for number, (client, action, payload) in enumerate(denied):
                client.send(action, payload, request_id=number)
                assert refused(client, action, number) == {"message": "Access denied"}

            cases = [
                ("add_track", {"track_id": 10**9}, {"message": "Track not found"}),
                ("remove_track", {"track_id": t[3]}, {"message": "Track not found"}),
                ("invite_to_event", {"user_id": 10**9}, {"message": "User not found"}),
                (
                    "change_user_access_mode",
                    {"user_id": world.stranger.user_id, "access_mode": "guest"},
                    {"message": "User not found"},
                ),
                ("dance", {}, {"message": "Action not exist"}),
                ("add_track", {}, {"message": "Payload signature wrong", "required": "track_id"}),
                (
                    "add_track",
                    {"addTrack": {}},
                    {"message": "Payload signature wrong", "required": "track_id"},
                ),
                (
                    "change_user_access_mode",
                    {"user_id": world.mod.user_id},
                    {"message": "Payload signature wrong", "required": "access_mode"},
                ),
                (
                    "add_track",
                    {"track_id": "three"},
                    {
                        "message": "Payload signature wrong",
                        "invalid": "track_id",
                        "detail": "A valid integer is required.",
                    },
                ),
                (
                    "change_user_access_mode",
                    {"user_id": world.mod.user_id, "access_mode": "owner"},
                    {
                        "message": "Payload signature wrong",
                        "invalid": "access_mode",
                        "detail": '"owner" is not a valid choice.',
                    },
                ),
                (
                    "change_event",
                    {"event_access_type": "secret"},
                    {
                        "message": "Payload signature wrong",
                        "invalid": "event_access_type",
                        "detail": '"secret" is not a valid choice.',
                    },
                ),
                (
                    "add_track",
                    {"track_id": t[0], "volume": 11},
                    {"message": "Action signature wrong", "unexpected": "volume"},
                ),
                (
                    "add_track",
                    {"addTrak": {"track_id": t[0]}},
                    {"message": "Action signature wrong", "unexpected": "addTrak"},
                ),
            ]
            for number, (action, payload, error) in enumerate(cases):
                author.send(action, payload, request_id=f"c{number}")
                assert refused(author, action, f"c{number}") == error

            author.send("add_track", {"track_id": t[0]}, volume=11)
            assert refused(author, "add_track") == {
                "message": "Action signature wrong",
                "unexpected": "volume",
            }
            for broken in ("{not json", "[1, 2]", json.dumps("text")):
                author.send_raw(broken)
                crash = author.recv()
                assert crash["error"] == "Something wrong"
                assert crash["error_message"] and len(crash["error_hash"]) == 12
                assert "Traceback" not in json.dumps(crash)

            # nothing was broadcast: everyone's next frame is the next change, one revision on
            author.send("sync", request_id="s")
            before = author.recv_many(2)[1]["payload"]["revision"]
            mod.send("add_track", {"track_id": t[0]}, request_id="ok")
            after = everyone_gets(room, "playlist.changed", mod, "ok")
            assert after["revision"] == before + 1

            # roles are read on every request: a promotion works without reconnecting
            author.send(
                "change_user_access_mode",
                {"user_id": world.guest.user_id, "access_mode": "moderator"},
            )
            everyone_gets(room, "event.changed")
            guest.send("remove_track", {"track_id": t[0]}, request_id="g")
            assert everyone_gets(room, "playlist.changed", guest, "g")["playlist"]["tracks"] == []


def test_revisions_never_go_back_under_rapid_changes_from_two_sockets(world):
    event_id = new_event(world.author.api, world.organizer, "rapid")
    t = [track["id"] for track in world.tracks]
    with connect(world, event_id, world.author) as author:
        author.send("invite_to_event", {"user_id": world.mod.user_id})
        author.send(
            "change_user_access_mode", {"user_id": world.mod.user_id, "access_mode": "moderator"}
        )
        author.recv_many(2)
        author.send("sync")
        start = author.recv_many(2)[0]["payload"]["revision"]
        with (
            connect(world, event_id, world.mod) as mod,
            connect(world, event_id, world.author) as watcher,
        ):
            for number in range(25):
                author.send("add_track", {"track_id": t[number % 4]}, request_id=f"a{number}")
                mod.send("add_track", {"track_id": t[number % 4]}, request_id=f"m{number}")
            final = start + 50
            for client in (author, mod, watcher):
                seen = []
                while not seen or seen[-1]["payload"]["revision"] < final:
                    frame = client.recv()
                    assert frame["event"] == "playlist.changed", frame
                    seen.append(frame)
                revisions = [frame["payload"]["revision"] for frame in seen]
                assert revisions == sorted(set(revisions)), revisions
                assert len(seen[-1]["payload"]["playlist"]["tracks"]) == 50


def test_guests_of_a_public_event_lose_the_room_when_it_turns_private(world):
    event_id = new_event(world.author.api, world.organizer, "turns", is_public=True)
    with (
        connect(world, event_id, world.author) as author,
        connect(world, event_id, world.stranger) as stranger,
    ):
        stranger.send("sync", request_id="s")
        assert [frame["request_id"] for frame in stranger.recv_many(2)] == ["s", "s"]
        stranger.send("add_track", {"track_id": world.tracks[0]["id"]}, request_id="no")
        assert refused(stranger, "add_track", "no") == {"message": "Access denied"}
        author.send("change_event", {"event_access_type": "private"})
        assert everyone_gets([author], "event.changed")["event"]["access_type"] == "private"
        assert stranger.closed_with() == 4403
        author.send("change_event", {"event_name": "Still here"}, request_id="here")
        assert (
            everyone_gets([author], "event.changed", author, "here")["event"]["name"]
            == "Still here"
        )


def test_deleting_the_event_closes_its_room_with_4404(world):
    event_id = new_event(world.author.api, world.organizer, "gone")
    with (
        connect(world, event_id, world.author) as first,
        connect(world, event_id, world.author) as second,
    ):
        deleted = world.admin.delete(f"/api/v1/organizers/{world.organizer}/events/gone/")
        assert deleted.status_code == 204
        assert first.closed_with() == second.closed_with() == 4404
    with connect(world, event_id, world.author) as late:
        assert late.closed_with() == 4404


def test_a_role_found_at_a_handshake_is_not_trusted_after_it_changes(world):
    """The gateway keeps the role of a user's handshake for the next one (no RPC); the events
    that change it drop it, so a user who lost the room is refused at once on reconnecting."""
    event_id = new_event(world.author.api, world.organizer, "cached", is_public=True)
    with connect(world, event_id, world.author) as author:
        for _ in range(2):  # the second handshake finds the stranger's role kept
            with connect(world, event_id, world.stranger) as stranger:
                stranger.send("sync", request_id="in")
                assert [frame["request_id"] for frame in stranger.recv_many(2)] == ["in", "in"]
        author.send("change_event", {"event_access_type": "private"})
        everyone_gets([author], "event.changed")
        with connect(world, event_id, world.stranger) as stranger:
            assert stranger.closed_with() == 4403

        author.send("invite_to_event", {"user_id": world.guest.user_id})
        everyone_gets([author], "event.changed")
        for _ in range(2):
            with connect(world, event_id, world.guest) as guest:
                guest.send("sync", request_id="guest")
                assert guest.recv_many(2)[0]["request_id"] == "guest"
        author.send("revoke_from_event", {"user_id": world.guest.user_id})
        everyone_gets([author], "event.changed")
        with connect(world, event_id, world.guest) as guest:
            assert guest.closed_with() == 4403
