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
    user = User(
        uuid=uuid.uuid4().hex,
        username="tz",
        username_key=f"tz-{uuid.uuid4().hex}",
        password_hash="x",
        is_admin=False,
        created_at=moment,
    )
    session.add(user)
    provider.worker_result(worker)
    with provider.make_session() as fresh:
        stored = fresh.get(User, user.id).created_at
    assert stored == moment and stored.utcoffset() == timedelta(0)


def test_sqlite_workers_that_read_then_write_take_turns(tmp_path):
    """Two green threads that each read, yield (as a worker does on an RPC) and then write: on
    SQLite the second would otherwise hit the first's lock with a busy wait that stops the hub."""
    import eventlet
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from services.common.database import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (value INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))

    def increment() -> None:
        with Session(engine) as session:
            value = session.execute(text("SELECT value FROM counter")).scalar_one()
            eventlet.sleep(0.05)
            session.execute(text("UPDATE counter SET value = :value"), {"value": value + 1})
            session.commit()

    workers = [eventlet.spawn(increment) for _ in range(5)]
    for worker in workers:
        worker.wait()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT value FROM counter")).scalar_one() == 5
    engine.dispose()


def test_a_sqlite_read_waits_for_no_writer_and_sees_one_snapshot(tmp_path):
    """A connection of `reading` neither waits for the process's writer nor holds the write lock,
    and reads what was committed when its first statement ran."""
    import eventlet
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from services.common.database import make_engine, reading

    engine = make_engine(f"sqlite:///{tmp_path / 'reads.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (value INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    writer = Session(engine)
    writer.execute(text("UPDATE counter SET value = 1"))  # the turn and the write lock, held
    seen = []

    def read() -> None:
        with Session(engine) as session, reading(session) as connection:
            seen.append(connection.execute(text("SELECT value FROM counter")).scalar_one())
            eventlet.sleep(0.05)  # the writer commits meanwhile
            seen.append(connection.execute(text("SELECT value FROM counter")).scalar_one())

    reader = eventlet.spawn(read)
    eventlet.sleep(0.01)
    assert seen == [0]  # read while the writer holds its transaction
    writer.commit()
    reader.wait()
    assert seen == [0, 0]  # one snapshot for the whole read
    with Session(engine) as later:  # a write after the read still takes its turn and commits
        later.execute(text("UPDATE counter SET value = 2"))
        later.commit()
    with Session(engine) as session, reading(session) as connection:
        assert connection.execute(text("SELECT value FROM counter")).scalar_one() == 2
    writer.close()
    engine.dispose()
