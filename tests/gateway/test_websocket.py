"""The gateway's room hub and per-socket queues, with stand-in sockets: revision order, request
id echoes, closes, and a client too slow to read (1013) that nobody else waits for."""

import json
from typing import cast

import eventlet
from eventlet.event import Event
from prometheus_client import REGISTRY

from gateway import websocket
from gateway.websocket import HijackedConnection, RoomConnection, RoomHub


class FakeSocket:
    """Records frames; `stuck` makes ``send`` block until released (a client that never reads)."""

    def __init__(self, stuck: bool = False) -> None:
        self.frames: list[dict] = []
        self.closed_with: int | None = None
        self.release = Event()
        self.stuck = stuck
        self.state = None

    def send(self, data: bytes, text: bool = False) -> None:
        assert text, "frames go out as text"
        if self.stuck:
            self.release.wait()
        self.frames.append(json.loads(data))

    def close(self, code: int, reason: str = "") -> None:
        self.closed_with = code

    def close_socket(self) -> None:
        self.closed_with = self.closed_with or 1006


def room_message(revision: int, origin: str | None = None, close: dict | None = None) -> dict:
    return {
        "room": 7,
        "revision": revision,
        "origin": origin,
        "close": close,
        "message": {"event": "playlist.changed", "payload": {"revision": revision}},
    }


def joined(hub: RoomHub, user_id: int, stuck: bool = False) -> RoomConnection:
    connection = RoomConnection(
        cast(HijackedConnection, FakeSocket(stuck)), 7, {"user_id": user_id}
    )
    hub.add(connection)
    return connection


def settle() -> None:
    eventlet.sleep(0)
    eventlet.sleep(0)


def revisions(connection: RoomConnection) -> list[int]:
    return [frame["payload"]["revision"] for frame in cast(FakeSocket, connection.ws).frames]


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
    settle()
    assert revisions(sender) == revisions(other) == [2, 3, 4]
    assert sender.ws.frames[0]["request_id"] == "r1" and "request_id" not in other.ws.frames[0]
    hub.deliver({**room_message(5), "room": 8})  # another room: nobody here
    settle()
    assert revisions(other) == [2, 3, 4]


def test_a_message_ahead_of_a_gap_waits_for_it_then_goes_out_anyway(monkeypatch):
    monkeypatch.setattr(websocket, "REORDER_SECONDS", 0.01)
    hub = RoomHub()
    listener = joined(hub, 1)
    hub.deliver(room_message(5))
    hub.deliver(room_message(7))
    hub.deliver(room_message(9))
    settle()
    assert revisions(listener) == [5]
    eventlet.sleep(0.05)  # the window passes without revisions 6 and 8
    assert revisions(listener) == [5, 7, 9]
    hub.deliver(room_message(6))
    settle()
    assert revisions(listener) == [5, 7, 9]


def test_a_socket_never_gets_older_than_what_it_was_sent():
    hub = RoomHub()
    synced = joined(hub, 1)
    synced.send({"event": "event.changed", "payload": {"revision": 6}}, 6)
    hub.deliver(room_message(5))
    hub.deliver(room_message(6))
    hub.deliver(room_message(7))
    settle()
    assert revisions(synced) == [6, 6, 7]


def test_revocation_closes_that_users_sockets_and_deletion_everyones():
    hub = RoomHub()
    revoked, kept, again = joined(hub, 1), joined(hub, 2), joined(hub, 1)
    hub.deliver(room_message(3, close={"code": 4403, "user_id": 1}))
    settle()
    assert (revoked.ws.closed_with, again.ws.closed_with, kept.ws.closed_with) == (4403, 4403, None)
    assert revisions(kept) == [3] and revisions(revoked) == []
    hub.deliver({**room_message(4, close={"code": 4404, "user_id": None}), "message": None})
    settle()
    assert kept.ws.closed_with == 4404


def test_a_client_that_does_not_read_is_closed_1013_and_nobody_waits(monkeypatch):
    monkeypatch.setattr(websocket, "SEND_QUEUE", 3)
    hub = RoomHub()
    slow, fast = joined(hub, 1, stuck=True), joined(hub, 2)
    for revision in range(1, 8):
        hub.deliver(room_message(revision))
        settle()
    assert revisions(fast) == list(range(1, 8))
    assert slow.closing and slow.ws.closed_with is None
    slow.ws.release.send()
    settle()
    assert slow.ws.closed_with == 1013


def open_sockets() -> float | None:
    return REGISTRY.get_sample_value("setlist_open_websockets")


def test_shut_down_closes_every_socket_with_1001():
    hub = RoomHub()
    before = open_sockets()
    connections = [joined(hub, user) for user in (1, 2)]
    assert open_sockets() == before + 2
    eventlet.spawn(hub.shut_down)
    settle()
    assert [c.ws.closed_with for c in connections] == [1001, 1001]
    assert not hub.accepting
    for connection in connections:
        hub.remove(connection)
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


def test_the_request_budget_is_a_token_bucket_of_20_a_second_bursts_of_40():
    now = [0.0]
    bucket = websocket.TokenBucket(clock=lambda: now[0])
    assert [bucket.take() for _ in range(41)] == [True] * 40 + [False]
    now[0] += 0.05  # one token back
    assert (bucket.take(), bucket.take()) == (True, False)
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(50)) == 40


def test_a_user_has_a_bounded_number_of_sockets_and_a_revoked_token_closes_its_own():
    hub = RoomHub()
    assert all(hub.claim(7) for _ in range(websocket.SOCKETS_PER_USER))
    assert not hub.claim(7) and hub.claim(8)
    hub.release(7)
    assert hub.claim(7)
    mine, other = (
        RoomConnection(FakeSocket(), 1, {"user_id": 7}, token) for token in ("revoked", "kept")
    )
    for connection in (mine, other):
        hub.add(connection)
    assert set(hub.of_users([7])) == {mine, other} and hub.of_users([8]) == []
    hub.close_tokens(["revoked"])
    eventlet.sleep(0.01)
    assert mine.ws.closed_with == 4401 and other.ws.closed_with is None


def test_presence_messages_go_only_to_sockets_that_asked_and_sockets_count_for_presence():
    hub = RoomHub()
    both = RoomConnection(
        FakeSocket(),
        7,
        {"user_id": 1},
        role="guest",
        features=frozenset({"presence", "now_playing"}),
    )
    plain = RoomConnection(FakeSocket(), 7, {"user_id": 2}, role="guest")
    hub.add(both)
    hub.add(plain)
    hub.deliver_feature(
        {
            "room": 7,
            "feature": "presence",
            "message": {"event": "presence.changed", "payload": {"count": 2}},
        }
    )
    settle()
    assert both.ws.frames == [{"event": "presence.changed", "payload": {"count": 2}}]
    assert plain.ws.frames == []
    assert [change["room"] for change in hub.presence.take_changes()["changes"]] == [7, 7]
    hub.remove(plain)
    assert hub.presence.take_changes()["changes"] == [{"room": 7, "left": 2, "seq": 3}]
