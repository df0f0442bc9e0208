"""Graceful shutdown: SIGTERM to the runner (what Ctrl-C, compose and Kubernetes send) while an HTTP
request is in flight. The runner stops the gateway first; the gateway answers new requests 503 but
lets the running one finish — its RPC still reaches the events service, which is still up — and only
then exits; then the services stop, and the runner exits 0.

To keep the request in flight without any test hook in the services, the test holds a lock on the
event's row in the (private) events database: the PATCH waits in the events service until the test
lets it go, which it does only once the gateway has said that it is stopping.
"""

import signal
import threading

import pytest

from gateway.http import SHUTTING_DOWN
from tests.support.accounts import new_organizer
from tests.support.chaos import HeldLock
from tests.support.client import Api

pytestmark = pytest.mark.chaos


def test_an_in_flight_request_completes_during_a_graceful_stop(start_private_stack):
    stack = start_private_stack(RPC_TIMEOUT_SECONDS="120", STOP_GRACE_SECONDS="60")
    admin = Api(stack.url, stack.create_user("admin", "admin-password", admin=True))
    events = f"/api/v1/organizers/{new_organizer(admin, 'stop')}/events/"
    created = admin.post(
        events, {"name": {"en": "Before"}, "slug": "gig", "date_from": "2030-01-01T10:00:00Z"}
    )
    assert created.status_code == 201, created.text
    lock = HeldLock(stack, "events", "SELECT id FROM events WHERE slug = 'gig' FOR UPDATE")
    answers = []
    patch = threading.Thread(
        target=lambda: answers.append(
            admin.patch(events + "gig/", {"name": {"en": "After"}}, timeout=300)
        )
    )
    patch.start()
    try:
        assert lock.waiter() == "events"
        stack.process.send_signal(signal.SIGTERM)
        stack.wait_for_log("letting 1 in-flight workers finish", 60)
        refused = Api(stack.url).get("/health")
        assert refused.status_code == 503  # /health names the gateway as what is down
        assert (refused.json()["detail"], refused.json()["down"]) == (SHUTTING_DOWN, ["gateway"])
    finally:
        lock.release()  # the PATCH may go on
    patch.join()
    assert answers[0].status_code == 200, answers[0].text
    assert answers[0].json()["name"] == {"en": "After"}
    assert stack.process.wait(timeout=180) == 0
    log = stack.log_path.read_text()
    assert log.index("stopping the gateways") < log.index("stopping the services")
    assert "killing it" not in log
