"""``kill -9`` of one of two events instances under steady load.

RPC requests the killed instance had taken but not answered are unacknowledged, so RabbitMQ hands
them to the surviving instance; the gateway gets that reply, or gives up after the RPC timeout with
a 503. Either way every request is a success or a clean 503, no acknowledged write is lost, no
create is applied twice, and the runner starts the killed instance again.
"""

import os
import signal

import pytest

from tests.support.chaos import event_load, wait_for_health
from tests.support.client import Api

pytestmark = pytest.mark.chaos


def test_kill_one_events_instance_under_load(chaos_stack, chaos_token):
    api = Api(chaos_stack.url, chaos_token)
    with event_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(20)
        victim = chaos_stack.pid("events.1")
        os.kill(victim, signal.SIGKILL)
        load.wait_for_acknowledged(20)  # the surviving instance carries the load
        load.wait_for(lambda: chaos_stack.pid("events.1") not in (None, victim), 60,
                      "the runner did not start events.1 again")
        wait_for_health(api, 200, 120)
        load.wait_for_acknowledged(20)
    assert load.failures == []
    assert load.verify(api) == []
