"""services/events/idempotency.py: keys per credential, replays, conflicts, 24 h."""

from datetime import timedelta

import pytest

from services.common.database import utcnow
from services.common.errors import Conflict
from services.events import idempotency
from services.events.models import IdempotencyRecord


@pytest.fixture
def session(session_for):
    return session_for("events")


def test_first_claim_runs_then_a_repeat_gets_the_stored_response(session):
    assert idempotency.claim(session, "cred", "k1", "fp") is None
    idempotency.store(session, "cred", "k1", 400, '{"slug": ["x"]}')
    assert idempotency.claim(session, "cred", "k1", "fp") == {"status": 400,
                                                              "body": '{"slug": ["x"]}'}


def test_a_repeat_while_running_and_another_request_are_conflicts(session):
    idempotency.claim(session, "cred", "k2", "fp")
    with pytest.raises(Conflict, match="still being processed"):
        idempotency.claim(session, "cred", "k2", "fp")
    idempotency.store(session, "cred", "k2", 201, "{}")
    with pytest.raises(Conflict, match="different request"):
        idempotency.claim(session, "cred", "k2", "other")


def test_keys_are_per_credential(session):
    idempotency.claim(session, "cred-a", "k3", "fp")
    assert idempotency.claim(session, "cred-b", "k3", "other") is None


def test_a_released_key_may_be_used_again(session):
    idempotency.claim(session, "cred", "k4", "fp")
    idempotency.release(session, "cred", "k4")
    assert idempotency.claim(session, "cred", "k4", "other") is None


def test_long_keys_are_cut_to_the_column(session):
    long_key = "k" * 400
    idempotency.claim(session, "cred", long_key, "fp")
    idempotency.store(session, "cred", long_key, 204, "")
    assert idempotency.claim(session, "cred", long_key, "fp") == {"status": 204, "body": ""}


def test_records_older_than_a_day_are_forgotten(session):
    idempotency.claim(session, "cred", "old", "fp")
    idempotency.store(session, "cred", "old", 201, "{}")
    record = session.get(IdempotencyRecord, ("cred", "old"))
    record.created_at = utcnow() - idempotency.KEPT - timedelta(minutes=1)
    session.flush()
    assert idempotency.claim(session, "cred", "old", "other") is None
