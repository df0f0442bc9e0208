"""The gateway's room hub with stand-in transports: revision order, request id echoes, one frame
for the whole room, closes, access losses, per-user caps, presence and roles."""

import eventlet
from prometheus_client import REGISTRY

from gateway.rooms import hub as hub_module
from gateway.rooms.hub import RoomHub
from tests.gateway.rooms.stand_ins import closed_with, connection, sent


def room_message(revision: int, origin: str | None = None, close: dict | None = None) -> dict:
    return {
        "room": 7,
        "revision": revision,
        "origin": origin,
        "close": close,
        "message": {"event": "playlist.changed", "payload": {"revision": revision}},
    }


def joined(hub: RoomHub, user_id: int, **kwargs):
    added = connection(7, user_id, **kwargs)
    hub.add(added)
    return added


def revisions(joined_connection) -> list[int]:
    return [frame["payload"]["revision"] for frame in sent(joined_connection)]


def test_older_revisions_are_dropped_and_echoes_go_to_the_sender_only():
    hub = RoomHub()
    sender, other = joined(hub, 1), joined(hub, 2)
    sender.expect_echo("req", "r1")
    for message in (
        room_message(2, "req"),
        room_message(1),
        room_message(2),
        room_message(4),
        room_message(3),
    ):
        hub.deliver(message)
    assert revisions(sender) == revisions(other) == [2, 3, 4]
    assert sent(sender)[0]["request_id"] == "r1" and "request_id" not in sent(other)[0]
    hub.deliver({**room_message(5), "room": 8})  # another room: nobody here
    assert revisions(other) == [2, 3, 4]


def test_a_broadcast_is_framed_once_for_the_room():
    hub = RoomHub()
    listeners = [joined(hub, user) for user in (1, 2, 3)]
    frames = []
    for listener in listeners:
        listener.transport.send_frame = frames.append  # type: ignore[method-assign]
    hub.deliver(room_message(1))
    assert len(frames) == 3 and frames[0] is frames[1] is frames[2]


def test_a_socket_never_gets_older_than_what_it_was_sent():
    hub = RoomHub()
    synced = joined(hub, 1)
    synced.send({"event": "event.changed", "payload": {"revision": 6}})
    for revision in (5, 6, 7):
        hub.deliver(room_message(revision))
    assert revisions(synced) == [6, 6, 7]


def test_revocation_closes_that_users_sockets_and_deletion_everyones():
    hub = RoomHub()
    revoked, kept, again = joined(hub, 1), joined(hub, 2), joined(hub, 1)
    hub.deliver(room_message(3, close={"code": 4403, "user_id": 1}))
    assert (closed_with(revoked), closed_with(again), closed_with(kept)) == (4403, 4403, None)
    assert revisions(kept) == [3] and revisions(revoked) == []
    hub.deliver({**room_message(4, close={"code": 4404, "user_id": None}), "message": None})
    assert closed_with(kept) == 4404


def open_sockets() -> float | None:
    return REGISTRY.get_sample_value("setlist_open_websockets")


def test_shut_down_closes_every_socket_with_1001():
    hub = RoomHub()
    before = open_sockets()
    connections = [joined(hub, user) for user in (1, 2)]
    assert open_sockets() == before + 2
    eventlet.spawn(hub.shut_down)
    eventlet.sleep(0)
    assert [closed_with(c) for c in connections] == [1001, 1001]
    assert not hub.accepting
    for each in connections:
        hub.remove(each)
    assert open_sockets() == before


def test_sockets_are_checked_again_when_their_event_turns_private():
    hub = RoomHub()
    connections = [joined(hub, user) for user in (1, 2)]

    def changed(revision: int, access_type: str) -> dict:
        return {
            **room_message(revision),
            "message": {
                "event": "event.changed",
                "payload": {"revision": revision, "event": {"access_type": access_type}},
            },
        }

    assert hub.turned_private(changed(1, "public")) == []
    assert set(hub.turned_private(changed(2, "private"))) == set(connections)
    assert hub.turned_private(changed(3, "private")) == []
    assert hub.turned_private(room_message(4)) == []
    assert hub.turned_private({**changed(5, "private"), "room": 8}) == []


def test_a_user_has_a_bounded_number_of_sockets_and_a_revoked_token_closes_its_own():
    hub = RoomHub()
    assert all(hub.claim(7) for _ in range(hub_module.SOCKETS_PER_USER))
    assert not hub.claim(7) and hub.claim(8)
    hub.release(7)
    assert hub.claim(7)
    mine, other = (connection(1, 7, token_hash=token) for token in ("revoked", "kept"))
    for each in (mine, other):
        hub.add(each)
    assert set(hub.of_users([7])) == {mine, other} and hub.of_users([8]) == []
    hub.close_tokens(["revoked"])
    assert closed_with(mine) == 4401 and closed_with(other) is None


def test_presence_messages_go_only_to_sockets_that_asked_and_sockets_count_for_presence():
    hub = RoomHub()
    both = joined(hub, 1, role="guest", features=frozenset({"presence", "now_playing"}))
    plain = joined(hub, 2, role="guest")
    hub.deliver_feature(
        {
            "room": 7,
            "feature": "presence",
            "message": {"event": "presence.changed", "payload": {"count": 2}},
        }
    )
    assert sent(both) == [{"event": "presence.changed", "payload": {"count": 2}}]
    assert sent(plain) == []
    assert [change["room"] for change in hub.presence.take_changes()["changes"]] == [7, 7]
    hub.remove(plain)
    assert hub.presence.take_changes()["changes"] == [{"room": 7, "left": 2, "seq": 3}]


def test_roles_found_at_handshakes_are_forgotten_by_the_messages_that_may_change_them():
    hub = RoomHub()
    for room in (7, 8):
        hub.roles.load(1, room, lambda: "guest")
    known = hub.roles.roles  # (room, user) → role
    hub.deliver(room_message(1))  # a playlist change changes no role
    assert known.get((7, 1)) == "guest"
    hub.deliver(
        {**room_message(2), "message": {"event": "event.changed", "payload": {"revision": 2}}}
    )
    assert known.get((7, 1)) is None and known.get((8, 1)) == "guest"
    hub.deliver({**room_message(3, close={"code": 4404, "user_id": None}), "room": 8})
    assert known.get((8, 1)) is None
