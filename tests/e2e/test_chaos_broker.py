"""RabbitMQ stops under steady load: /health says 503 naming the broker, requests get clean 503s.
It starts again: every service and the gateway reconnect by themselves, /health is 200 again,
requests succeed, and every write that was acknowledged is there.

Runs on a private RabbitMQ node (tests/support/private_infrastructure.py), never the machine's.
"""

import pytest

from tests.support.chaos import event_load, wait_for_health
from tests.support.client import Api

pytestmark = pytest.mark.chaos


def test_broker_restart_under_load(chaos_stack, chaos_token, private_rabbit):
    api = Api(chaos_stack.url, chaos_token)
    with event_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(20)
        private_rabbit.stop_app()
        try:
            body = wait_for_health(api, 503, 60)
            assert "broker" in body["down"] and body["broker"].startswith("down")
        finally:
            private_rabbit.start_app()
        wait_for_health(api, 200, 120)
        load.wait_for_acknowledged(20)
    assert load.failures == []
    assert load.verify(api) == []
