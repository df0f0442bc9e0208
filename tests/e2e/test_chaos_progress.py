"""Steady progress reports only (eight players), while playstate is killed with ``kill -9`` or
the broker restarts: every report answered 204 is stored afterwards (each player's position is its
last acknowledged report or a later 503'd one), every other answer is a clean 503.

Progress reports are written in batches (services/playstate/progress.py): a batch in flight when
playstate dies was not committed, so none of its reports got a 204; the gateway answers them 503
after ``RPC_TIMEOUT_SECONDS``.
"""

import os
import signal

import pytest

from services.common import config
from tests.support.chaos import Load, ProgressReports, wait_for_health, wait_until
from tests.support.client import Api

pytestmark = pytest.mark.chaos

PLAYERS = 8
#: a call in flight ends within the gateway's RPC timeout; several of them, and a restart, fit
SETTLE_SECONDS = 12 * config.RPC_TIMEOUT_SECONDS.value()


def progress_load(url: str, token: str) -> Load:
    return Load(url, token, [ProgressReports(url, Api(url, token), PLAYERS)], clients=PLAYERS)


def test_kill_playstate_under_progress_load(chaos_stack, chaos_token):
    api = Api(chaos_stack.url, chaos_token)
    with progress_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(40, SETTLE_SECONDS)
        victim = chaos_stack.pid("playstate")
        os.kill(victim, signal.SIGKILL)
        wait_until(
            lambda: chaos_stack.pid("playstate") not in (None, victim),
            SETTLE_SECONDS,
            "the runner did not start playstate again",
        )
        wait_for_health(api, 200, SETTLE_SECONDS)
        load.wait_for_acknowledged(40, SETTLE_SECONDS)
    assert load.failures == []
    assert load.verify(api) == []


def test_broker_restart_under_progress_load(chaos_stack, chaos_token, private_rabbit):
    api = Api(chaos_stack.url, chaos_token)
    with progress_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(40, SETTLE_SECONDS)
        private_rabbit.stop_app()
        try:
            assert "broker" in wait_for_health(api, 503, SETTLE_SECONDS)["down"]
        finally:
            private_rabbit.start_app()
        wait_for_health(api, 200, SETTLE_SECONDS)
        load.wait_for_acknowledged(40, SETTLE_SECONDS)
    assert load.failures == []
    assert load.verify(api) == []
