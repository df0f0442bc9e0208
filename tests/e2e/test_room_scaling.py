"""The event room with two gateway and two realtime processes (API.md §4, ARCHITECTURE.md): a
change made through a socket on one gateway reaches every socket on both, once each, in order."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from tests.events.support import new_organizer, new_team, new_user
from tests.support.client import Api
from tests.support.infrastructure import STARTUP_SECONDS, Stack
from tests.support.rooms import RoomClient, new_event


@pytest.fixture(scope="module")
def scaled(service_env: dict, tmp_path_factory: pytest.TempPathFactory):
    """A second copy of the system on this session's broker and databases: two gateways (on
    consecutive ports) and two realtime processes."""
    running = Stack(service_env, Path(tmp_path_factory.mktemp("scaled")) / "stack.log",
                    extra_env={"LOG_FORMAT": "json", "GATEWAY_INSTANCES": "2",
                               "REALTIME_INSTANCES": "2"})
    running.start()
    running.wait_healthy(STARTUP_SECONDS, running.gateway_url(1))
    yield running, running.gateway_url(1)
    running.stop()


def test_a_change_on_one_gateway_reaches_every_socket_on_both_once(scaled):
    stack, second_url = scaled
    admin = Api(stack.url, stack.create_user("scaled-admin", "pw-scaled-admin", admin=True))
    organizer = new_organizer(admin, "scaled")
    author, mod = new_user(stack, "author"), new_user(stack, "mod")
    new_team(admin, organizer, [author.user_id], can_create_events=True)
    event_id = new_event(author.api, organizer, "scaled")
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


def test_a_gateway_that_stops_closes_its_sockets_with_1001(scaled):
    """SIGTERM (what `docker stop` and Kubernetes send) to the second gateway; runs last here,
    since the runner then stops the whole copy."""
    stack, second_url = scaled
    owner = new_user(stack, "owner")
    admin = Api(stack.url, stack.create_user("stop-admin", "pw-stop-admin", admin=True))
    organizer = new_organizer(admin, "stopping")
    new_team(admin, organizer, [owner.user_id], can_create_events=True)
    event_id = new_event(owner.api, organizer, "stopping")
    pid = int(re.search(r"started gateway\.2 \(pid (\d+)\)", stack.log_path.read_text())[1])
    with RoomClient(second_url, event_id, owner.token) as first, \
            RoomClient(second_url, event_id, owner.token) as second:
        first.send("sync")
        first.recv_many(2)
        os.kill(pid, signal.SIGTERM)
        assert first.closed_with() == second.closed_with() == 1001
