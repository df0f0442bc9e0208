"""A rolling restart of a gateway (issue 6): room clients on gateway 1 are closed with 1001 when it
gets SIGTERM, reconnect to gateway 2, `sync`, and end with exactly the state of a client that never
disconnected, while changes go on during the restart; gateway 1 then comes back and serves again.

Gateway 2 is the stack's own (the runner's); gateway 1 is a process the test starts beside it, so
that it can be stopped and started without the runner stopping everything."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import eventlet
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.accounts import new_organizer
from tests.support.infrastructure import Gateway
from tests.support.rooms import RoomClient, new_event

CLIENTS = 5
MIN_CHANGES = 20
#: the writer's pause between changes: about 12 a second, under a socket's 20 (API.md §4)
CHANGE_INTERVAL = 0.06


@pytest.fixture(scope="module")
def gateway_1(stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gateway = Gateway(stack, Path(tmp_path_factory.mktemp("gateway-1")) / "gateway.log")
    gateway.start()
    yield gateway
    gateway.stop()


class RoomView:
    """What one client shows: the newest event and playlist it was sent (by revision)."""

    def __init__(self, client: RoomClient) -> None:
        self.client = client
        self.revision = {"event.changed": -1, "playlist.changed": -1}
        self.state: dict[str, dict] = {}

    def apply(self, message: dict) -> None:
        kind, payload = message.get("event"), message.get("payload", {})
        assert kind in self.revision, message
        assert payload["revision"] >= self.revision[kind], "an older revision after a newer one"
        self.revision[kind] = payload["revision"]
        self.state[kind] = payload["event"] if kind == "event.changed" else payload["playlist"]

    def sync(self) -> None:
        """`sync`, and apply its two answers."""
        self.client.send("sync")
        for _ in range(2):
            self.apply(self.client.recv())

    def next_change(self) -> None:
        """Apply messages until one newer than everything the client had arrives."""
        seen = max(self.revision.values())
        while max(self.revision.values()) == seen:
            self.apply(self.client.recv())

    def follow_until(self, name: str) -> None:
        """Apply messages until the event is called `name` (the last change of the test)."""
        while self.state.get("event.changed", {}).get("name") != name:
            self.apply(self.client.recv())

    def close_code(self) -> int:
        """Apply what is still queued, then the code the server closed the socket with."""
        try:
            while True:
                self.apply(self.client.recv())
        except ConnectionClosed as closed:
            assert closed.rcvd is not None, "closed without a close frame"
            return closed.rcvd.code


def change(index: int, track_ids: list[int]) -> tuple[str, int]:
    """The writer's index-th change: mostly additions, every fourth a removal."""
    return ("remove_track" if index % 4 == 3 else "add_track", track_ids[index % len(track_ids)])


def expected_playlist(made: list[tuple[str, int]]) -> list[int]:
    playlist: list[int] = []
    for action, track_id in made:
        playlist = (
            playlist + [track_id]
            if action == "add_track"
            else [kept for kept in playlist if kept != track_id]
        )
    return playlist


def make_changes(
    url: str, event_id: int, token: str, track_ids: list[int], stop: threading.Event
) -> list[tuple[str, int]]:
    """From a socket on gateway 2, change the playlist one change at a time until told to stop
    (and at least MIN_CHANGES times), well within the socket's request budget; the changes
    made."""
    made: list[tuple[str, int]] = []
    with RoomClient(url, event_id, token) as writer:
        while len(made) < MIN_CHANGES or not stop.is_set():
            action, track_id = change(len(made), track_ids)
            writer.send(action, {"track_id": track_id}, request_id=len(made))
            answer = writer.answer(len(made))
            assert answer["event"] == "playlist.changed", answer
            made.append((action, track_id))
            eventlet.sleep(CHANGE_INTERVAL)
    return made


def test_clients_move_to_the_other_gateway_and_catch_up(stack, admin, admin_token, gateway_1):
    organizer = new_organizer(admin, "rolling")
    event_id = new_event(admin, organizer, "rolling")
    track_ids = [
        admin.post("/api/v1/tracks/", {"name": f"Song {n}"}).json()["id"] for n in range(3)
    ]

    def reader(url: str) -> RoomClient:
        """A client read only now and then: it buffers everything, so it is never too slow."""
        return RoomClient(url, event_id, admin_token, max_queue=None)

    steady = RoomView(reader(stack.url))
    moving = [RoomView(reader(gateway_1.url)) for _ in range(CLIENTS)]
    for view in [steady, *moving]:
        view.sync()

    stop = threading.Event()
    writer = eventlet.spawn(make_changes, stack.url, event_id, admin_token, track_ids, stop)
    for view in moving:  # changes are under way before gateway 1 stops
        view.next_change()
    assert gateway_1.terminate() == 0
    assert [view.close_code() for view in moving] == [1001] * CLIENTS

    for view in moving:
        view.client = reader(stack.url)
        view.sync()
    gateway_1.start()
    back = RoomView(reader(gateway_1.url))
    back.sync()
    stop.set()
    made = writer.wait()

    with RoomClient(stack.url, event_id, admin_token) as last:
        last.send("change_event", {"event_name": "Rolling done"})
        last.wait_for("event.changed")
    for view in [steady, *moving, back]:
        view.follow_until("Rolling done")
        view.client.close()
    assert [
        entry["track"] for entry in steady.state["playlist.changed"]["tracks"]
    ] == expected_playlist(made)
    for view in [*moving, back]:
        assert view.state == steady.state
        assert view.revision == steady.revision
