"""The session provider commits a worker's work on success and rolls it back on failure."""

import sys
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from services.accounts.models import Organizer, User
from services.common.database import Database


class Worker:
    """Stands for a nameko worker context: the provider only uses it as a key."""


@pytest.fixture
def provider():
    database = Database("accounts")
    database.setup()
    yield database
    database.stop()


def test_success_commits(provider):
    worker = Worker()
    slug = f"db-{uuid.uuid4().hex[:8]}"
    provider.get_dependency(worker).add(Organizer(slug=slug, name="n"))
    provider.worker_result(worker)
    with provider.make_session() as session:
        assert session.scalars(select(Organizer).where(Organizer.slug == slug)).one()


def test_failure_rolls_back(provider):
    worker = Worker()
    slug = f"db-{uuid.uuid4().hex[:8]}"
    session = provider.get_dependency(worker)
    session.add(Organizer(slug=slug, name="n"))
    session.flush()
    try:
        raise RuntimeError("worker failed")
    except RuntimeError:
        provider.worker_result(worker, exc_info=sys.exc_info())
    with provider.make_session() as session:
        assert session.scalars(select(Organizer).where(Organizer.slug == slug)).first() is None


def test_datetimes_come_back_aware_in_utc(provider):
    worker = Worker()
    session = provider.get_dependency(worker)
    moment = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    user = User(uuid=uuid.uuid4().hex, username="tz", username_key=f"tz-{uuid.uuid4().hex}",
                password_hash="x", is_admin=False, created_at=moment)
    session.add(user)
    provider.worker_result(worker)
    with provider.make_session() as fresh:
        stored = fresh.get(User, user.id).created_at
    assert stored == moment and stored.utcoffset() == timedelta(0)
