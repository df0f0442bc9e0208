"""services/events/idempotency_store.py: keys per credential, replays, conflicts, 24 h."""

from datetime import timedelta

import pytest

from services.common.database import utcnow
from services.common.errors import Conflict
from services.events import idempotency_store
from services.events.models import IdempotencyRecord


@pytest.fixture
def session(session_for):
    return session_for("events")


def test_first_claim_runs_then_a_repeat_gets_the_stored_response(session):
    assert idempotency_store.claim(session, "cred", "k1", "fp") is None
    idempotency_store.store(session, "cred", "k1", 400, '{"slug": ["x"]}')
    assert idempotency_store.claim(session, "cred", "k1", "fp") == {
        "status": 400,
        "body": '{"slug": ["x"]}',
    }


def test_a_repeat_while_running_and_another_request_are_conflicts(session):
    idempotency_store.claim(session, "cred", "k2", "fp")
    with pytest.raises(Conflict, match="still being processed"):
        idempotency_store.claim(session, "cred", "k2", "fp")
    idempotency_store.store(session, "cred", "k2", 201, "{}")
    with pytest.raises(Conflict, match="different request"):
        idempotency_store.claim(session, "cred", "k2", "other")


def test_keys_are_per_credential(session):
    idempotency_store.claim(session, "cred-a", "k3", "fp")
    assert idempotency_store.claim(session, "cred-b", "k3", "other") is None


def test_a_released_key_may_be_used_again(session):
    idempotency_store.claim(session, "cred", "k4", "fp")
    idempotency_store.release(session, "cred", "k4")
    assert idempotency_store.claim(session, "cred", "k4", "other") is None


def test_long_keys_are_cut_to_the_column(session):
    long_key = "k" * 400
    idempotency_store.claim(session, "cred", long_key, "fp")
    idempotency_store.store(session, "cred", long_key, 204, "")
    assert idempotency_store.claim(session, "cred", long_key, "fp") == {"status": 204, "body": ""}


def test_records_older_than_a_day_are_forgotten(session):
    idempotency_store.claim(session, "cred", "old", "fp")
    idempotency_store.store(session, "cred", "old", 201, "{}")
    record = session.get(IdempotencyRecord, ("cred", "old"))
    record.created_at = utcnow() - idempotency_store.KEPT - timedelta(minutes=1)
    session.flush()
    assert idempotency_store.claim(session, "cred", "old", "other") is None
