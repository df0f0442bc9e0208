"""PostgreSQL restarts: /health names the databases that are down, then returns to 200 by itself,
and requests work again — no service restarted.

Restarts the machine's PostgreSQL cluster, so it runs last, with the broker outage test.
"""

import os
import subprocess
import time

import pytest

from tests.e2e.test_broker_outage import wait_for_health
from tests.support.client import Api

pytestmark = [
    pytest.mark.broker_outage,
    pytest.mark.skipif(os.environ.get("SETLIST_TEST_DATABASE") == "sqlite",
                       reason="restarts PostgreSQL; the suite runs on SQLite"),
]


def pg_ctl(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action],
                   check=True, capture_output=True, timeout=120)


def test_health_follows_postgres_down_and_back_up(stack, admin_token):
    api = Api(stack.url, admin_token)
    assert api.get("/Users/Me").status_code == 200
    pg_ctl("stop")
    try:
        body = wait_for_health(api, 503, 30)
        assert "accounts.database" in body["down"]
        assert api.get("/api/v1/organizers/", headers={"X-Emby-Token": "e" * 64}).status_code \
            in (401, 503)
    finally:
        pg_ctl("start")
    wait_for_health(api, 200, 90)
    deadline = time.monotonic() + 30
    while api.get("/Users/Me").status_code != 200:
        assert time.monotonic() < deadline, "requests did not recover after PostgreSQL restarted"
        time.sleep(0.5)
