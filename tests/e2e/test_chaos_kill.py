"""``kill -9`` of one of two events instances under steady load.

RPC requests the killed instance had taken but not answered are unacknowledged, so RabbitMQ hands
them to the surviving instance; the gateway gets that reply, or gives up after the RPC timeout with
a 503. Either way every request is a success or a clean 503, no acknowledged write is lost, no
create is applied twice, and the runner starts the killed instance again.

The other tests make the hand-over certain: a PATCH or a create waits in whichever instance took it
(the test holds a lock in the events database), that instance is killed, and the other one does the
write, once, and answers it.
"""

import os
import signal
import threading
import uuid

import pytest

from tests.support.accounts import new_organizer, unique
from tests.support.chaos import HeldLock, event_load, settle_seconds, wait_for_health, wait_until
from tests.support.client import Api

pytestmark = pytest.mark.chaos


def test_kill_one_events_instance_under_load(chaos_stack, chaos_token):
    api = Api(chaos_stack.url, chaos_token)
    with event_load(chaos_stack.url, chaos_token) as load:
        load.wait_for_acknowledged(20)
        victim = chaos_stack.pid("events.1")
        os.kill(victim, signal.SIGKILL)
        load.wait_for_acknowledged(20)  # the surviving instance carries the load
        wait_until(
            lambda: chaos_stack.pid("events.1") not in (None, victim),
            60,
            "the runner did not start events.1 again",
        )
        wait_for_health(api, 200, 2 * settle_seconds(chaos_stack))
        load.wait_for_acknowledged(20)
    assert load.failures == []
    assert load.verify(api) == []


def held_patch(admin, events, slug):
    """A PATCH of the event ``slug``, held by a lock on its row."""
    return (
        f"SELECT id FROM events WHERE slug = '{slug}' FOR UPDATE",
        lambda: admin.patch(events + f"{slug}/", {"name": {"en": "After"}}, timeout=120),
    )


def held_create(admin, events, slug):
    """A create (with an idempotency key) of one more event, held by a lock on the table."""
    return (
        "LOCK TABLE events IN SHARE MODE",
        lambda: admin.post(
            events,
            {"name": {"en": "After"}, "slug": f"{slug}-2", "date_from": "2030-01-01T10:00:00Z"},
            headers={"X-Idempotency-Key": uuid.uuid4().hex},
            timeout=120,
        ),
    )


@pytest.mark.parametrize("held_write", [held_patch, held_create])
def test_a_write_taken_by_a_killed_instance_is_done_once_by_the_other(
    chaos_stack, chaos_token, private_rabbit, held_write
):
    admin = Api(chaos_stack.url, chaos_token)
    wait_until(
        lambda: private_rabbit.consumers(chaos_stack.env["AMQP_URI"], "rpc-events") == 2,
        120,
        "both events instances did not consume",
    )  # after an earlier test's kill
    events = f"/api/v1/organizers/{new_organizer(admin, 'redeliver')}/events/"
    slug = unique("held")
    created = admin.post(
        events, {"name": {"en": "Before"}, "slug": slug, "date_from": "2030-01-01T10:00:00Z"}
    )
    assert created.status_code == 201, created.text
    statement, write = held_write(admin, events, slug)
    lock = HeldLock(chaos_stack, "events", statement)
    answers = []
    writing = threading.Thread(target=lambda: answers.append(write()))
    writing.start()
    try:
        taken_by = lock.waiter()
        os.kill(chaos_stack.pid(taken_by), signal.SIGKILL)
        assert lock.waiter(other_than=(taken_by,)) in {"events.1", "events.2"} - {taken_by}
    finally:
        lock.release()
    writing.join()
    assert answers[0].ok, answers[0].text
    listed = admin.get(events).json()["results"]
    assert sorted(event["name"]["en"] for event in listed) in (["After"], ["After", "Before"])
