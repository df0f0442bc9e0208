"""Silent playback sessions are stopped by the playstate timer at their last reported position.

This module runs its own stack (own vhost and databases) with a silence limit of a few seconds,
so the shared stack keeps Jellyfin's 5 minutes. The test waits by polling; nothing is timed.
"""

import os
import secrets
import time
from pathlib import Path

import pytest

from tests.support.client import Api
from tests.support.infrastructure import (
    Stack,
    create_databases,
    create_vhost,
    delete_vhost,
    drop_databases,
)
from tests.support.playstate import new_listener, new_track

SILENCE_SECONDS = 5
SERVICES = ("accounts", "events", "playstate")


@pytest.fixture(scope="module")
def quiet_stack(tmp_path_factory):
    run = secrets.token_hex(4)
    vhost = f"setlist-test-expiry-{run}"
    create_vhost(vhost)
    folder = Path(tmp_path_factory.mktemp("expiry"))
    names = {svc: f"setlist_test_expiry_{run}_{svc}" for svc in SERVICES}
    if os.environ.get("SETLIST_TEST_DATABASE") == "sqlite":
        urls = {svc: f"sqlite:///{folder / svc}.db" for svc in SERVICES}
    else:
        urls = create_databases(names)
    env = {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
        "SETLIST_VAR": str(folder),
        **{f"{svc.upper()}_DATABASE_URL": url for svc, url in urls.items()},
    }
    stack = Stack(
        env,
        folder / "stack.log",
        extra_env={
            "PLAYSTATE_SESSION_TIMEOUT_SECONDS": str(SILENCE_SECONDS),
            "PLAYSTATE_EXPIRY_INTERVAL_SECONDS": "0.5",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        delete_vhost(vhost)
        if os.environ.get("SETLIST_TEST_DATABASE") != "sqlite":
            drop_databases(names)


def wait_for(condition, what, seconds=120.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def test_silent_sessions_are_stopped_and_pinged_ones_kept(quiet_stack):
    admin = Api(quiet_stack.url, quiet_stack.create_user("admin", "admin-pw", admin=True))
    mix, other_mix = new_track(admin, 3600, True), new_track(admin, 3600, True)
    user = new_listener(quiet_stack)

    def data(item):
        return user.api.get(f"/Users/{user.id}/Items/{item}/UserData").json()

    # a session stopped at its last reported position: 25 % of an hour is kept to resume
    assert (
        user.api.post(
            f"/Users/{user.id}/PlayingItems/{mix}", params={"playSessionId": "quiet"}
        ).status_code
        == 204
    )
    assert (
        user.api.post(
            f"/Users/{user.id}/PlayingItems/{mix}/Progress",
            params={"playSessionId": "quiet", "positionTicks": 9_000_000_000},
        ).status_code
        == 204
    )
    # a session that only pings stays open meanwhile
    assert (
        user.api.post(
            f"/Users/{user.id}/PlayingItems/{other_mix}", params={"playSessionId": "pinged"}
        ).status_code
        == 204
    )
    # forget the position, so that the timer's stop is what puts it back
    user.api.delete(f"/Users/{user.id}/PlayedItems/{mix}")
    assert data(mix)["PlaybackPositionTicks"] == 0

    def mix_stopped():
        user.api.post("/Sessions/Playing/Ping", params={"playSessionId": "pinged"})
        return data(mix)["PlaybackPositionTicks"] == 9_000_000_000

    wait_for(mix_stopped, "the silent session to be stopped at its last position")
    assert data(mix)["Played"] is False
    kept = data(other_mix)
    assert kept["PlayCount"] == 1 and kept["Played"] is False  # still playing, not stopped

    # once the pings stop, it is stopped too; without a reported position that is a full play
    stopped = wait_for(
        lambda: (lambda d: d if d["PlayCount"] == 2 else None)(data(other_mix)),
        "the pinged session to be stopped after its pings end",
    )
    assert stopped["Played"] is True and stopped["PlaybackPositionTicks"] == 0
