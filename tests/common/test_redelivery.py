"""A write entrypoint (``@rpc(once=True)``) handles each RPC call once: a redelivered request is
answered from the record of the first handling. On the events database, with its migrated
``rpc_calls`` table; the last test sends one request twice through RabbitMQ to the events
service, as a broker redelivers it."""

import uuid
from datetime import timedelta

import eventlet
import pytest
from kombu import Connection, Exchange, Queue
from nameko.containers import ServiceContainer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from services.common import redelivery
from services.common.database import after_commit, make_engine, utcnow
from services.common.errors import ServiceUnavailable, ValidationFailed
from services.common.rpc import rpc
from services.events.models import Track


@pytest.fixture
def engine(database_urls):
    engine = make_engine(database_urls["events"])
    yield engine
    with Session(engine) as session, session.begin():
        session.execute(delete(Track).where(Track.artist == "test_calls"))
    engine.dispose()


class Writer:
    """A service worker handling the call `call_id`: it adds a track and answers the track's id."""

    def __init__(self, engine, call_id, wait=None):
        self.db = Session(engine, expire_on_commit=False)  # as the services' sessions
        self.rpc_call_id = call_id
        self.wait = wait
        self.announced = []

    @rpc(once=True)
    def add(self, name, fail=None):
        track = Track(uuid=uuid.uuid4().hex, name=name, artist="test_calls")
        self.db.add(track)
        self.db.flush()
        after_commit(self.db, lambda: self.announced.append(track.id))
        if self.wait is not None:
            self.wait.wait()
        if fail is not None:
            raise fail
        return {"id": track.id}


def tracks_named(engine, name):
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Track).where(Track.name == name))


def test_a_second_handling_answers_the_first_reply_and_writes_nothing(engine):
    call_id = str(uuid.uuid4())
    first, again = Writer(engine, call_id), Writer(engine, call_id)
    reply = first.add("once")
    assert again.add("once") == reply
    assert tracks_named(engine, "once") == 1
    assert first.announced == [reply["id"]] and again.announced == []


def test_another_call_runs(engine):
    Writer(engine, str(uuid.uuid4())).add("twice")
    Writer(engine, str(uuid.uuid4())).add("twice")
    assert tracks_named(engine, "twice") == 2


def test_an_expected_error_is_replayed_and_nothing_is_written(engine):
    call_id = str(uuid.uuid4())
    with pytest.raises(ValidationFailed) as first:
        Writer(engine, call_id).add("refused", fail=ValidationFailed(fields={"name": ["No."]}))
    with pytest.raises(ValidationFailed) as again:
        Writer(engine, call_id).add("refused")  # would succeed if it ran
    assert again.value.fields == first.value.fields == {"name": ["No."]}
    assert tracks_named(engine, "refused") == 0


def test_an_unavailable_service_is_not_an_answer_a_retry_runs(engine):
    call_id = str(uuid.uuid4())
    with pytest.raises(ServiceUnavailable):
        Writer(engine, call_id).add("retried", fail=ServiceUnavailable())
    assert Writer(engine, call_id).add("retried")["id"]
    assert tracks_named(engine, "retried") == 1


def test_concurrent_deliveries_write_once_and_give_one_answer(engine):
    """The first delivery waits after its write; the second one runs and commits meanwhile. The
    first then fails at commit on the call's record, rolls its write back and answers from it.
    (PostgreSQL only: SQLite has one writer at a time, and a second one waits blocking the hub.)"""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one write transaction at a time")
    call_id = str(uuid.uuid4())
    release = eventlet.event.Event()
    first = eventlet.spawn(Writer(engine, call_id, wait=release).add, "concurrent")
    eventlet.sleep(0)  # the first one is now waiting, its write not committed
    second = Writer(engine, call_id).add("concurrent")
    release.send()
    assert first.wait() == second
    assert tracks_named(engine, "concurrent") == 1


def test_records_expire(engine):
    call_id = str(uuid.uuid4())
    Writer(engine, call_id).add("expired")
    with Session(engine) as session, session.begin():
        session.execute(
            update(redelivery.CALLS)
            .where(redelivery.CALLS.c.call_id == call_id)
            .values(at=utcnow() - redelivery.KEPT - timedelta(seconds=1))
        )
        assert redelivery.purge_expired(session) >= 1
        assert redelivery.recorded(session, call_id) is None


def test_without_a_call_id_the_method_just_runs(engine):
    Writer(engine, None).add("plain")
    Writer(engine, None).add("plain")
    assert tracks_named(engine, "plain") == 2


@pytest.fixture
def events_service(amqp_uri):
    from services.events.service import EventsService

    container = ServiceContainer(EventsService, {"AMQP_URI": amqp_uri})
    container.start()
    yield container
    container.stop()


def test_a_redelivered_idempotency_claim_gets_the_first_answer(events_service, amqp_uri):
    """The chaos tests' "key in flight" for 24 h: the same message, delivered twice, claims once."""
    exchange = Exchange("nameko-rpc", type="topic", durable=True)
    reply_to = uuid.uuid4().hex
    replies = Queue(
        f"test-calls-{reply_to}", exchange=exchange, routing_key=reply_to, auto_delete=True
    )
    key = uuid.uuid4().hex
    answers = []

    def call(call_id):
        producer.publish(
            {"args": ["credential", key, "fingerprint"], "kwargs": {}},
            exchange=exchange,
            routing_key="events.idempotency_claim",
            reply_to=reply_to,
            correlation_id=call_id,
            declare=[replies],
        )

    with (
        Connection(amqp_uri) as connection,
        connection.Consumer(
            replies,
            accept=["json"],
            callbacks=[lambda body, message: (answers.append(body), message.ack())],
        ),
    ):
        producer = connection.Producer(serializer="json")
        call_id = str(uuid.uuid4())
        call(call_id)
        call(call_id)  # as RabbitMQ redelivers it: the same correlation id
        while len(answers) < 2:
            connection.drain_events(timeout=30)
        call(str(uuid.uuid4()))  # another call with the same key
        while len(answers) < 3:
            connection.drain_events(timeout=30)
    assert answers[:2] == [{"result": None, "error": None}] * 2
    assert answers[2]["error"]["exc_type"] == "Conflict"


class Dated:
    def __init__(self, engine, call_id):
        self.db = Session(engine, expire_on_commit=False)
        self.rpc_call_id = call_id

    @rpc(once=True)
    def when(self):
        return {"at": utcnow()}


def test_a_reply_is_recorded_as_nameko_sends_it(engine):
    """A datetime in a reply is stored as kombu's JSON tags it, so the caller rebuilds it."""
    from kombu.utils import json as kombu_json

    call_id = str(uuid.uuid4())
    first = Dated(engine, call_id).when()
    again = Dated(engine, call_id).when()
    assert kombu_json.loads(kombu_json.dumps(again)) == first
