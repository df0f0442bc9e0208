"""The event room with two gateway and two realtime processes (API.md §4, ARCHITECTURE.md): a
change made through a socket on one gateway reaches every socket on both, once each, in order."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
from pathlib import Path

import pytest
from websockets.sync.client import ClientConnection

from tests.support.accounts import Caller, new_organizer, new_team, new_user
from tests.support.client import Api
from tests.support.infrastructure import STARTUP_SECONDS, Stack
from tests.support.rooms import RoomClient, new_event

#: bytes a socket may leave unread beyond the kernel's buffers in this copy
#: (WEBSOCKET_BACKLOG_BYTES)
BACKLOG_BYTES = 64 * 1024


@pytest.fixture(scope="module")
def scaled(service_env: dict, tmp_path_factory: pytest.TempPathFactory):
    """A second copy of the system on this session's broker and databases: two gateways (on
    consecutive ports) and two realtime processes; 64 KiB left unread per socket at most."""
    running = Stack(
        service_env,
        Path(tmp_path_factory.mktemp("scaled")) / "stack.log",
        extra_env={
            "LOG_FORMAT": "json",
            "GATEWAY_INSTANCES": "2",
            "REALTIME_INSTANCES": "2",
            "WEBSOCKET_BACKLOG_BYTES": str(BACKLOG_BYTES),
        },
    )
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
    tracks = [admin.post("/api/v1/tracks/", {"name": f"Scaled {n}"}).json()["id"] for n in range(2)]

    with RoomClient(stack.url, event_id, author.token) as a1:
        a1.send("invite_to_event", {"user_id": mod.user_id})
        a1.send("change_user_access_mode", {"user_id": mod.user_id, "access_mode": "moderator"})
        a1.send("sync")
        start = a1.recv_many(4)[-1]["payload"]["revision"]
        with (
            RoomClient(stack.url, event_id, mod.token) as a2,
            RoomClient(second_url, event_id, mod.token) as b1,
            RoomClient(second_url, event_id, author.token) as b2,
        ):
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


#: a socket's request budget (API.md §4): a client that asks faster waits this long and asks again
REQUEST_INTERVAL = 1 / 20


def add_track(client: RoomClient, track: int, request_id: int) -> dict:
    """``add_track`` answered by its broadcast (asked again while it is ``Too many requests``)."""
    while True:
        client.send("add_track", {"track_id": track}, request_id=request_id)
        frame = client.recv()
        if frame["event"] != "error" or frame["payload"]["error"]["message"] != "Too many requests":
            assert (frame["event"], frame["request_id"]) == ("playlist.changed", request_id), frame
            return frame
        time.sleep(REQUEST_INTERVAL)


#: bytes of a server frame's header at most (RFC 6455: unmasked, 64-bit length)
FRAME_HEADER = 10


def unread_capacity(sock: socket.socket, frame_size: int) -> int:
    """Bytes of frames that can leave the gateway for a websockets client (max_queue=1) that has
    stopped reading before the gateway's writer waits: its socket's send buffer at its largest
    (it sets no SO_SNDBUF: Linux grows it up to tcp_wmem's maximum) and one frame (of up to
    `frame_size`) the kernel takes beyond it, the client's receive buffer, one read of the client
    and the two frames that paused it."""
    send_buffer = int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    receive_buffer = sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)
    return send_buffer + receive_buffer + ClientConnection.recv_bufsize + 3 * frame_size


def test_a_client_that_does_not_read_is_closed_1013_and_the_room_goes_on(scaled, admin):
    """Ever longer playlists until the slow client's buffers, the gateway's send buffer and the
    socket's backlog of BACKLOG_BYTES are full (bytes counted, whatever this machine's buffer
    sizes), and one frame more: the gateway must have closed it with 1013."""
    stack, _ = scaled
    owner, event_id = owned_event(stack, admin, "slow")
    track = admin.post("/api/v1/tracks/", {"name": "n" * 200, "artist": "a" * 200}).json()["id"]
    tiny = socket.socket()
    tiny.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    tiny.connect(("127.0.0.1", stack.port))
    with (
        RoomClient(
            stack.url, event_id, owner.token, sock=tiny, max_queue=1, ping_interval=None
        ) as slow,
        RoomClient(stack.url, event_id, owner.token) as fast,
    ):
        sent = 0  # bytes of the frames broadcast to the slow client (they carry no request_id)
        number = 0
        size = 0
        # until every buffer and the backlog are full, and one more frame finds them so
        while sent <= unread_capacity(tiny, size) + BACKLOG_BYTES + size:
            frame = add_track(fast, track, number)
            del frame["request_id"]
            size = len(json.dumps(frame, ensure_ascii=False).encode()) + FRAME_HEADER
            sent += size
            number += 1
        assert slow.closed_with() == 1013
        fast.send("sync", request_id="after")
        assert fast.recv()["request_id"] == "after"


#: API.md §4: access is lost within this many seconds on every gateway
ACCESS_LOST_SECONDS = 1.0


def closed_within(clients: list[RoomClient], since: float) -> list[tuple[int | None, bool]]:
    """Each client's close code, and whether it came within ACCESS_LOST_SECONDS of `since`."""
    results = []
    for client in clients:
        code = client.closed_with()
        results.append((code, time.monotonic() - since <= ACCESS_LOST_SECONDS))
    return results


def on_both(stack: Stack, second_url: str, event_id: int, token: str) -> list[RoomClient]:
    """A socket on each gateway, each past its handshake (one answered `sync`)."""
    clients = [RoomClient(url, event_id, token) for url in (stack.url, second_url)]
    for client in clients:
        client.send("sync")
        client.recv_many(2)
    return clients


def test_a_revoked_token_closes_its_sockets_on_both_gateways_with_4401(scaled, admin):
    stack, second_url = scaled
    owner, event_id = owned_event(stack, admin, "revoked")
    name = f"device-{owner.user_id}"
    stack.setlist("admin", "create-user", name, "--password", "pw-device")
    device = Api(stack.url, headers={"Authorization": 'MediaBrowser DeviceId="the-device"'})
    login = {"Username": name, "Pw": "pw-device"}
    first = device.post("/Users/AuthenticateByName", json=login).json()
    user_id = Api(stack.url, first["AccessToken"]).get("/users/me").json()["SetlistId"]
    with RoomClient(stack.url, event_id, owner.token) as author:
        author.send("invite_to_event", {"user_id": user_id})
        author.recv()
        clients = on_both(stack, second_url, event_id, first["AccessToken"])
        kept = on_both(stack, second_url, event_id, owner.token)
        # a new login from the same device ends the old one (revokes its token)
        since = time.monotonic()
        assert device.post("/Users/AuthenticateByName", json=login).status_code == 200
        assert closed_within(clients, since) == [(4401, True), (4401, True)]
        for client in kept:  # other tokens' sockets stay
            client.send("sync", request_id="still")
            assert client.recv()["request_id"] == "still"
            client.close()


def test_losing_access_closes_the_sockets_on_both_gateways_at_once(scaled, admin):
    """Revoked from the event, removed from the team that gave the role, the event made private
    (4403), the event deleted (4404): each within a second, on both gateways."""
    stack, second_url = scaled
    owner = new_user(stack, "owner")
    organizer = new_organizer(admin, "losing")
    new_team(admin, organizer, [owner.user_id], can_create_events=True)
    event_id = new_event(owner.api, organizer, "losing", is_public=True)
    invited, staff, passer_by = (new_user(stack, name) for name in ("invited", "staff", "passer"))
    settings_team = new_team(
        admin, organizer, [staff.user_id], can_change_event_settings=True, all_events=True
    )
    with RoomClient(stack.url, event_id, owner.token) as author:
        author.send("invite_to_event", {"user_id": invited.user_id})
        author.recv()
        guests = on_both(stack, second_url, event_id, invited.token)
        since = time.monotonic()
        author.send("revoke_from_event", {"user_id": invited.user_id})
        assert closed_within(guests, since) == [(4403, True), (4403, True)]
        author.recv()

        administrators = on_both(stack, second_url, event_id, staff.token)
        since = time.monotonic()
        removed = admin.delete(
            f"/api/v1/organizers/{organizer}/teams/{settings_team}/members/{staff.user_id}/"
        )
        assert removed.status_code == 204
        # a public event: the staff member stays, as a guest
        for client in administrators:
            client.send("change_event", {"event_name": "Nope"}, request_id="demoted")
            assert client.recv()["payload"]["error"] == {"message": "Access denied"}
            client.close()

        public = on_both(stack, second_url, event_id, passer_by.token)
        since = time.monotonic()
        author.send("change_event", {"event_access_type": "private"})
        assert closed_within(public, since) == [(4403, True), (4403, True)]
        author.recv()

    members = on_both(stack, second_url, event_id, owner.token)
    since = time.monotonic()
    assert admin.delete(f"/api/v1/organizers/{organizer}/events/losing/").status_code == 204
    assert closed_within(members, since) == [(4404, True), (4404, True)]


def test_a_team_change_closes_the_sockets_of_who_lost_the_room(scaled, admin):
    """A private event: the team that made its members administrators loses the permission; a
    member without any other role is closed (4403) on both gateways, the author stays."""
    stack, second_url = scaled
    owner, staff = new_user(stack, "owner"), new_user(stack, "staff")
    organizer = new_organizer(admin, "teamchange")
    new_team(admin, organizer, [owner.user_id], can_create_events=True)
    settings_team = new_team(
        admin, organizer, [staff.user_id], can_change_event_settings=True, all_events=True
    )
    event_id = new_event(owner.api, organizer, "teamchange")
    author = on_both(stack, second_url, event_id, owner.token)
    clients = on_both(stack, second_url, event_id, staff.token)
    since = time.monotonic()
    changed = admin.patch(
        f"/api/v1/organizers/{organizer}/teams/{settings_team}/",
        {"can_change_event_settings": False},
    )
    assert changed.status_code == 200, changed.text
    assert closed_within(clients, since) == [(4403, True), (4403, True)]
    for client in author:
        client.send("sync", request_id="still")
        assert client.recv()["request_id"] == "still"
        client.close()


def test_a_gateway_that_stops_closes_its_sockets_with_1001(scaled, admin):
    """SIGTERM (what `docker stop` and Kubernetes send) to the second gateway; runs last here,
    since the runner then stops the whole copy."""
    stack, second_url = scaled
    owner, event_id = owned_event(stack, admin, "stopping")
    pid = int(re.search(r"started gateway\.2 \(pid (\d+)\)", stack.log_path.read_text())[1])
    with (
        RoomClient(second_url, event_id, owner.token) as first,
        RoomClient(second_url, event_id, owner.token) as second,
    ):
        first.send("sync")
        first.recv_many(2)
        os.kill(pid, signal.SIGTERM)
        assert first.closed_with() == second.closed_with() == 1001
