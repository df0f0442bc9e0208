"""The example service (examples/playstate_follower/) started as its README says, beside the
test stack: a playback through the Jellyfin API shows up in its history, resolved by the events
service."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from tests.support.client import Api

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 60


@pytest.fixture
def follower(stack, service_env: dict, tmp_path: Path) -> Iterator[None]:
    log = (tmp_path / "follower.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "setlist.nameko_run",
            "run",
            "--config",
            "examples/playstate_follower/config.yml",
            "examples.playstate_follower.service",
        ],
        cwd=ROOT,
        env={**os.environ, **service_env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield
    process.terminate()
    process.wait(timeout=SECONDS)
    log.close()


def eventually(ask, done) -> object:
    deadline = time.monotonic() + SECONDS
    while True:
        answer = ask()
        if done(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_the_follower_keeps_what_users_play(stack, admin_token, service_env, follower):
    admin = Api(stack.url, admin_token)
    track = admin.post("/api/v1/tracks/", {"name": "Follow me", "artist": "Example"}).json()
    me = admin.get("/Users/Me").json()["Id"]
    with ClusterRpcProxy({"AMQP_URI": service_env["AMQP_URI"]}, timeout=SECONDS) as cluster:
        # the follower's queues exist once it answers; events before that would not reach it
        eventually(lambda: _answers(cluster, me), bool)
        started = admin.post(f"/Users/{me}/PlayingItems/{track['uuid']}?playSessionId=ex1")
        assert started.status_code == 204
        stopped = admin.delete(f"/Users/{me}/PlayingItems/{track['uuid']}?playSessionId=ex1")
        assert stopped.status_code == 204
        history = eventually(
            lambda: cluster.playstate_follower.history_of(me), lambda entries: len(entries) >= 2
        )
    assert [entry["what"] for entry in history] == ["stopped", "started"]
    assert {(entry["track"], entry["name"], entry["artist"]) for entry in history} == {
        (track["id"], "Follow me", "Example")
    }


def _answers(cluster: ClusterRpcProxy, user: str) -> bool:
    try:
        cluster.playstate_follower.history_of(user)
        return True
    except Exception:  # noqa: BLE001 - not started yet
        return False
