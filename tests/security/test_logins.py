"""Failed logins, logging out and revoking (API.md §1), against the running stack.

The session stack trusts the tests as its proxy, so each test logs in "from" an address of its
own (``X-Forwarded-For``) and its failures are counted apart from every other test's.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
import uuid

import pytest

from tests.security.conftest import SECRETS, World
from tests.support.client import Api

THROTTLED = {"detail": "Too many failed logins; try again later."}
WRONG = {"detail": "Invalid username or password."}
addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def login(world: World, address: str, username: str, password: str, device: str = "sec"):  # type: ignore[no-untyped-def]
    header = f'MediaBrowser Client="sec", Device="sec", DeviceId="{device}", Version="1"'
    response = Api(world.url, headers={"X-Forwarded-For": address, "Authorization": header}).post(
        "/Users/AuthenticateByName", json={"Username": username, "Pw": password}
    )
    if response.status_code == 200:
        SECRETS.add(response.json()["AccessToken"])
    return response


@pytest.fixture
def account(stack):  # type: ignore[no-untyped-def]
    """(username, password) of a new user."""
    name, password = f"sec-login-{uuid.uuid4().hex[:6]}", secrets.token_urlsafe(12)
    SECRETS.update([password, stack.create_user(name, password)])
    return name, password


def test_five_failures_lock_that_username_from_that_address_with_retry_after(world, account):
    name, password = account
    address = next(addresses)
    for _ in range(5):
        response = login(world, address, name, "wrong")
        assert response.status_code == 401 and response.json() == WRONG
    refused = login(world, address, name, password)  # the right password too
    assert refused.status_code == 429 and refused.json() == THROTTLED
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert login(world, next(addresses), name, password).status_code == 200  # other address


def test_an_unknown_user_fails_as_a_wrong_password_does_and_is_counted(world):
    address, name = next(addresses), f"nobody-{uuid.uuid4().hex[:6]}"
    for _ in range(5):
        response = login(world, address, name, "pw")
        assert response.status_code == 401 and response.json() == WRONG
    assert login(world, address, name, "pw").status_code == 429


def test_a_success_resets_the_usernames_count(world, account):
    name, password = account
    address = next(addresses)
    for _ in range(4):
        assert login(world, address, name, "wrong").status_code == 401
    assert login(world, address, name, password).status_code == 200
    for _ in range(4):
        assert login(world, address, name, "wrong").status_code == 401
    assert login(world, address, name, password).status_code == 200


def test_thirty_failures_from_one_address_lock_every_username_from_it(world, account):
    name, password = account
    address = next(addresses)
    for index in range(30):
        assert (
            login(world, address, f"spray-{index}-{uuid.uuid4().hex[:4]}", "x").status_code == 401
        )
    refused = login(world, address, name, password)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_wrong_logins_in_parallel_do_not_hold_up_other_requests(world):
    """20 wrong logins at once (each a full password hash) while a user keeps working: the
    user's requests all succeed, none is a 503. (Their latency is measured in bench/.)"""
    address, statuses, done = next(addresses), [], threading.Event()
    user = world.api("user")

    def wrong_login(index: int) -> None:
        login(world, address, f"parallel-{index}-{uuid.uuid4().hex[:4]}", "wrong")

    def keep_working() -> None:
        while not done.is_set():
            statuses.append(user.get("/Users/Me").status_code)
            statuses.append(user.get("/api/v1/tracks/").status_code)

    worker = threading.Thread(target=keep_working)
    worker.start()
    logins = [threading.Thread(target=wrong_login, args=(index,)) for index in range(20)]
    for thread in logins:
        thread.start()
    for thread in logins:
        thread.join()
    done.set()
    worker.join()
    assert statuses and set(statuses) == {200}


def test_logout_revokes_the_token_and_ends_the_devices_playback(world, account):
    name, password = account
    answer = login(world, next(addresses), name, password, device="sec-logout")
    assert answer.status_code == 200
    token = answer.json()["AccessToken"]
    user_id = answer.json()["User"]["Id"]
    device = {
        "Authorization": f'MediaBrowser Client="sec", Device="sec", '
        f'DeviceId="sec-logout", Version="1", Token="{token}"'
    }
    api = Api(world.url, headers=device)
    assert api.post(f"/PlayingItems/{world.track}?playSessionId=lo").status_code == 204
    assert (
        api.post(
            f"/PlayingItems/{world.track}/Progress?playSessionId=lo&positionTicks=3000000000"
        ).status_code
        == 204
    )  # 300 s of a 1200 s mix
    assert api.post("/Sessions/Logout").status_code == 204
    assert api.post("/Sessions/Logout").status_code == 401
    assert api.get("/Users/Me").status_code == 401
    data = world.api("admin").get(f"/Users/{user_id}/Items/{world.track}/UserData").json()
    assert data["PlaybackPositionTicks"] == 3000000000  # stopped where it was, to resume


def test_logout_with_a_team_token_is_403(world):
    assert world.api("team").post("/Sessions/Logout").status_code == 403


def test_revoke_tokens_ends_every_token_of_a_user(stack, world, account):
    name, password = account
    first = login(world, next(addresses), name, password, device="a").json()["AccessToken"]
    second = stack.setlist("admin", "create-token", name)
    SECRETS.add(second)
    for token in (first, second):
        assert Api(world.url, token).get("/Users/Me").status_code == 200  # cached now
    stack.setlist("admin", "revoke-tokens", name)
    for token in (first, second):  # the gateway forgot them (token_revoked), not only the database
        assert wait_for_status(Api(world.url, token), "/Users/Me", 401)
    assert login(world, next(addresses), name, password).status_code == 200


def wait_for_status(api: Api, path: str, status: int, seconds: float = 10) -> bool:
    """Whether `path` answers `status` within `seconds` (API.md: a revoked token stops working
    within 1 s; the margin is for a busy machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if api.get(path).status_code == status:
            return True
        time.sleep(0.1)
    return False
