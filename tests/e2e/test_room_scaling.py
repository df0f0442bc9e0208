"""The event room with two gateway and two realtime processes (API.md §4, ARCHITECTURE.md): a
change made through a socket on one gateway reaches every socket on both, once each, in order."""

from __future__ import annotations

import os
import re
import signal
import socket
from pathlib import Path

import pytest

from tests.support.accounts import Caller, new_organizer, new_team, new_user
from tests.support.client import Api
from tests.support.infrastructure import STARTUP_SECONDS, Stack
from tests.support.rooms import RoomClient, new_event


@pytest.fixture(scope="module")
def scaled(service_env: dict, tmp_path_factory: pytest.TempPathFactory):
    """A second copy of the system on this session's broker and databases: two gateways (on
    consecutive ports) and two realtime processes; 8 frames queued per socket at most."""
    running = Stack(service_env, Path(tmp_path_factory.mktemp("scaled")) / "stack.log",
                    extra_env={"LOG_FORMAT": "json", "GATEWAY_INSTANCES": "2",
                               "REALTIME_INSTANCES": "2", "WEBSOCKET_SEND_QUEUE": "8"})
    running.start()
    running.wait_healthy(STARTUP_SECONDS, running.gateway_url(1))
    yield running, running.gateway_url(1)
    running.stop()


@pytest.fixture(scope="module")
def admin(scaled) -> Api:
    stack = scaled[0]
    return Api(stack.url, stack.create_user("scaled-admin", "pw-scaled-admin", admin=True))


def owned_event(stack: Stack, admin: Api, prefix: str) -> tuple[Caller, int]:
    """A new user and the event they made in a new organizer."""
    owner = new_user(stack, prefix)
    organizer = new_organizer(admin, prefix)
    new_team(admin, organizer, [owner.user_id], can_create_events=True)
    return owner, new_event(owner.api, organizer, prefix)


def test_a_change_on_one_gateway_reaches_every_socket_on_both_once(scaled, admin):
    stack, second_url = scaled
    author, event_id = owned_event(stack, admin, "scaled")
    mod = new_user(stack, "mod")
    tracks = [admin.post("/api/v1/tracks/", {"name": f"Scaled {n}"}).json()["id"]
              for n in range(2)]

    with RoomClient(stack.url, event_id, author.token) as a1:
        a1.send("invite_to_event", {"user_id": mod.user_id})
        a1.send("change_user_access_mode", {"user_id": mod.user_id, "access_mode": "moderator"})
        a1.send("sync")
        start = a1.recv_many(4)[-1]["payload"]["revision"]
        with RoomClient(stack.url, event_id, mod.token) as a2, \
                RoomClient(second_url, event_id, mod.token) as b1, \
                RoomClient(second_url, event_id, author.token) as b2:
            room = [a1, a2, b1, b2]
            for number in range(10):
                sender = (a1, b1)[number % 2]
                sender.send("add_track", {"track_id": tracks[number % 2]}, request_id=number)
                for client in room:
                    frame = client.recv()
                    assert frame["event"] == "playlist.changed"
                    assert frame["payload"]["revision"] == start + 1 + number
                    assert frame.get("request_id") == (number if client is sender else None)
            for client in room:
                client.send("sync", request_id="end")
                event, playlist = client.recv_many(2)
                assert (event["event"], event["request_id"]) == ("event.changed", "end")
                assert playlist["payload"]["revision"] == start + 10
                assert len(playlist["payload"]["playlist"]["tracks"]) == 10


def test_a_client_that_does_not_read_is_closed_1013_and_the_room_goes_on(scaled, admin):
    stack, _ = scaled
    owner, event_id = owned_event(stack, admin, "slow")
    track = admin.post("/api/v1/tracks/", {"name": "n" * 255, "artist": "a" * 255}).json()["id"]
    tiny = socket.socket()
    tiny.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tiny.connect(("127.0.0.1", stack.port))
    with RoomClient(stack.url, event_id, owner.token, sock=tiny, max_queue=1) as slow, \
            RoomClient(stack.url, event_id, owner.token) as fast:
        for number in range(150):  # ever longer playlists: megabytes the slow client never takes
            fast.send("add_track", {"track_id": track}, request_id=number)
            assert fast.recv()["request_id"] == number
        assert slow.closed_with() == 1013
        fast.send("sync", request_id="after")
        assert fast.recv()["request_id"] == "after"


def test_a_gateway_that_stops_closes_its_sockets_with_1001(scaled, admin):
    """SIGTERM (what `docker stop` and Kubernetes send) to the second gateway; runs last here,
    since the runner then stops the whole copy."""
    stack, second_url = scaled
    owner, event_id = owned_event(stack, admin, "stopping")
    pid = int(re.search(r"started gateway\.2 \(pid (\d+)\)", stack.log_path.read_text())[1])
    with RoomClient(second_url, event_id, owner.token) as first, \
            RoomClient(second_url, event_id, owner.token) as second:
        first.send("sync")
        first.recv_many(2)
        os.kill(pid, signal.SIGTERM)
        assert first.closed_with() == second.closed_with() == 1001
