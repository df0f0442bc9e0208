"""PostgreSQL restarts under steady load: /health names the databases that are down and requests
get clean 503s; then /health returns to 200 by itself, requests succeed, and every write that was
acknowledged is there — no service restarted.

Runs on a private PostgreSQL cluster (tests/support/private_infrastructure.py), never the machine's.
"""

import pytest

from tests.support.chaos import event_load, wait_for_health
from tests.support.client import Api

pytestmark = pytest.mark.chaos


def test_database_restart_under_load(chaos_stack, chaos_token, private_postgres):
    api = Api(chaos_stack.url, chaos_token)
    with event_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(20)
        private_postgres.stop()
        try:
            body = wait_for_health(api, 503, 60)
            assert {"accounts.database", "events.database"} <= set(body["down"])
        finally:
            private_postgres.start()
        wait_for_health(api, 200, 120)
        load.wait_for_acknowledged(20)
    assert load.failures == []
    assert load.verify(api) == []
