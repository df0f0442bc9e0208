"""RabbitMQ, then PostgreSQL, stops under steady load: /health answers 503 naming what is down and
requests get clean 503s. It starts again: every service and the gateway reconnect by themselves,
/health is 200 again, requests succeed, and every write that was acknowledged is there — no process
restarted.

Runs on a private RabbitMQ node and PostgreSQL cluster (tests/support/private_infrastructure.py),
never the machine's.
"""

import pytest

from tests.support.chaos import event_load, settle_seconds, wait_for_health
from tests.support.client import Api

pytestmark = pytest.mark.chaos


@pytest.fixture(params=["broker", "database"])
def outage(request, private_rabbit, private_postgres):
    """(stop, start, the parts /health names while it is down)"""
    if request.param == "broker":
        return private_rabbit.stop_app, private_rabbit.start_app, {"broker"}
    return (
        private_postgres.stop,
        private_postgres.start,
        {"accounts.database", "events.database", "playstate.database"},
    )


def test_restart_under_load(chaos_stack, chaos_token, outage):
    stop, start, down = outage
    api = Api(chaos_stack.url, chaos_token)
    with event_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(20)
        stop()
        try:
            assert down <= set(wait_for_health(api, 503, settle_seconds(chaos_stack))["down"])
        finally:
            start()
        wait_for_health(api, 200, 2 * settle_seconds(chaos_stack))
        load.wait_for_acknowledged(20)
    assert load.failures == []
    assert load.verify(api) == []
