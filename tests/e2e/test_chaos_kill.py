"""``kill -9`` of one of two events instances under steady load.

RPC requests the killed instance had taken but not answered are unacknowledged, so RabbitMQ hands
them to the surviving instance; the gateway gets that reply, or gives up after the RPC timeout with
a 503. Either way every request is a success or a clean 503, no acknowledged write is lost, no
create is applied twice, and the runner starts the killed instance again.

The second test makes the hand-over certain: a PATCH waits in whichever instance took it (the test
holds the event's row lock), that instance is killed, and the other one answers it.
"""

import os
import signal
import threading

import pytest

from tests.events.support import new_organizer, unique
from tests.support.chaos import HeldLock, event_load, wait_for_health
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


def test_a_request_taken_by_a_killed_instance_is_answered_by_the_other(chaos_stack, chaos_token):
    admin = Api(chaos_stack.url, chaos_token)
    events = f"/api/v1/organizers/{new_organizer(admin, 'redeliver')}/events/"
    slug = unique("held")
    created = admin.post(events, {"name": {"en": "Before"}, "slug": slug,
                                  "date_from": "2030-01-01T10:00:00Z"})
    assert created.status_code == 201, created.text
    lock = HeldLock(chaos_stack, "events", f"SELECT id FROM events WHERE slug = '{slug}' FOR UPDATE")
    answers = []
    patch = threading.Thread(target=lambda: answers.append(
        admin.patch(events + f"{slug}/", {"name": {"en": "After"}}, timeout=120)))
    patch.start()
    try:
        taken_by = lock.waiter()
        os.kill(chaos_stack.pid(taken_by), signal.SIGKILL)
        assert lock.waiter(other_than=(taken_by,)) in {"events.1", "events.2"} - {taken_by}
    finally:
        lock.release()
    patch.join()
    assert answers[0].status_code == 200, answers[0].text
    assert admin.get(events + f"{slug}/").json()["name"] == {"en": "After"}
