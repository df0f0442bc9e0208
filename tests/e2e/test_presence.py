"""Presence and now playing in event rooms (API.md §4), on a copy of the system with two gateways
and two realtime instances, plus one more gateway process that a test kills: who joins and leaves
on either gateway reaches the sockets that asked (`?with=presence`) and only them, a crowd joining
is gathered into few messages, a killed gateway's users leave, and `sync` lists everyone."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.accounts import new_organizer
from tests.support.client import Api
from tests.support.infrastructure import STARTUP_SECONDS, Gateway, Stack
from tests.support.playstate import JellyfinUser, new_listener
from tests.support.rooms import RoomClient, new_event

PRESENCE = "with=presence"
BOTH = "with=presence,now_playing"
#: API.md §4: a gateway that dies takes its users out of presence within 30 s (here: within the
#: gateway timeout, 15 s, of its last heartbeat, plus the once-a-second gathering)
GONE_SECONDS = 30


@pytest.fixture(scope="module")
def scaled(service_env: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = Path(tmp_path_factory.mktemp("presence"))
    running = Stack(
        service_env,
        folder / "stack.log",
        extra_env={"LOG_FORMAT": "json", "GATEWAY_INSTANCES": "2", "REALTIME_INSTANCES": "2"},
    )
    running.start()
    running.wait_healthy(STARTUP_SECONDS, running.gateway_url(1))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(scaled: Stack) -> Api:
    return Api(scaled.url, scaled.create_user("presence-admin", "pw-presence-admin", admin=True))


def public_room(admin: Api, prefix: str) -> int:
    return new_event(admin, new_organizer(admin, prefix), prefix, is_public=True)


def setlist_id(user: JellyfinUser) -> int:
    return user.api.get("/Users/Me").json()["SetlistId"]


def synced(client: RoomClient, count: int = 4) -> list[dict]:
    """The `count` frames of a `sync` answer (those with its request id; broadcasts that come
    meanwhile are skipped)."""
    client.send("sync", request_id="sync")
    frames: list[dict] = []
    while len(frames) < count:
        frame = client.recv()
        if frame.get("request_id") == "sync":
            frames.append(frame)
    return frames


def wait_presence(client: RoomClient, until) -> list[dict]:
    """presence.changed payloads until one satisfies `until`."""
    seen = []
    while True:
        payload = client.wait_for("presence.changed")
        seen.append(payload)
        if until(payload):
            return seen


def test_joins_and_leaves_on_both_gateways_reach_the_sockets_that_asked(scaled, admin):
    room = public_room(admin, "presence")
    ann, bob = new_listener(scaled, "ann"), new_listener(scaled, "bob")
    ann_id, bob_id = setlist_id(ann), setlist_id(bob)
    with (
        RoomClient(scaled.url, room, ann.token, query=PRESENCE) as watcher,
        RoomClient(scaled.url, room, ann.token) as plain,
    ):
        event, playlist, presence = synced(watcher, 3)
        assert (event["event"], playlist["event"]) == ("event.changed", "playlist.changed")
        assert presence["event"] == "presence.changed"
        assert presence["payload"]["left"] == [] and presence["payload"]["count"] >= 1

        with RoomClient(scaled.gateway_url(1), room, bob.token, query=BOTH) as other:
            joined = wait_presence(
                watcher, lambda p: any(u["user"] == bob_id for u in p["joined"])
            )[-1]
            assert {"user": bob_id, "username": bob.name, "role": "guest"} in joined["joined"]
            assert joined["count"] == 2
            frames = synced(other)
            assert [f["event"] for f in frames] == [
                "event.changed",
                "playlist.changed",
                "presence.changed",
                "now_playing.changed",
            ]
            assert frames[2]["payload"] == {
                "joined": sorted(
                    [
                        {"user": ann_id, "username": ann.name, "role": "guest"},
                        {"user": bob_id, "username": bob.name, "role": "guest"},
                    ],
                    key=lambda u: u["user"],
                ),
                "left": [],
                "count": 2,
            }
            assert frames[3]["payload"] == {"now_playing": []}
        left = wait_presence(watcher, lambda p: p["left"])[-1]
        assert left == {"joined": [], "left": [{"user": bob_id, "username": bob.name}], "count": 1}

        plain.send("sync", request_id="plain")  # never asked: only the original messages
        assert [f["event"] for f in plain.recv_many(2)] == ["event.changed", "playlist.changed"]
        plain.send("sync", request_id="again")
        assert plain.recv()["request_id"] == "again"


def test_a_crowd_joining_is_gathered_into_a_message_a_second_at_most(scaled, admin):
    room = public_room(admin, "crowd")
    crowd = [new_listener(scaled, f"crowd{n}") for n in range(10)]
    watcher_user = new_listener(scaled, "watch")
    with RoomClient(scaled.url, room, watcher_user.token, query=PRESENCE) as watcher:
        assert synced(watcher, 3)[2]["payload"]["count"] == 1
        clients: list[RoomClient] = []
        started = time.monotonic()

        def join(index: int) -> None:
            clients.append(RoomClient(scaled.gateway_url(index % 2), room, crowd[index].token))

        threads = [threading.Thread(target=join, args=(n,)) for n in range(len(crowd))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        messages = wait_presence(watcher, lambda p: p["count"] == 11)
        elapsed = time.monotonic() - started
        joined = [u["username"] for m in messages for u in m["joined"]]
        assert sorted(set(joined) - {watcher_user.name}) == sorted(user.name for user in crowd)
        # one message a second at most: the k-th was sent at least k-1 seconds after the first
        # (the first may be the watcher's own join, announced before `started`)
        assert len(messages) <= elapsed + 2
        assert len(messages) < len(crowd)
        for client in clients:
            client.close()
        messages = wait_presence(watcher, lambda p: p["count"] == 1)
        assert len([u for m in messages for u in m["left"]]) == len(crowd)


def test_a_killed_gateway_takes_its_users_out_of_presence(scaled, admin, tmp_path):
    room = public_room(admin, "killed")
    ann, bob = new_listener(scaled, "ann"), new_listener(scaled, "bob")
    extra = Gateway(scaled, tmp_path / "extra.log")
    extra.start()
    try:
        with RoomClient(scaled.url, room, ann.token, query=PRESENCE) as watcher:
            synced(watcher, 3)
            doomed = RoomClient(extra.url, room, bob.token)
            wait_presence(watcher, lambda p: p["count"] == 2)
            assert extra.process is not None
            extra.process.send_signal(signal.SIGKILL)
            extra.process.wait()
            deadline = time.monotonic() + GONE_SECONDS
            while True:
                try:
                    payload = watcher.wait_for("presence.changed")
                except TimeoutError:
                    assert time.monotonic() < deadline, "the killed gateway's user never left"
                    continue
                if payload["count"] == 1:
                    assert payload["left"][0]["username"] == bob.name
                    assert time.monotonic() < deadline, "the killed gateway's user left too late"
                    break
            doomed.ws.close_socket()
    finally:
        if extra.process is not None and extra.process.poll() is None:
            extra.process.kill()
