"""An unreachable database is ServiceUnavailable to the caller, other database errors are not."""

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from services.common.errors import ServiceUnavailable
from services.common.rpc import rpc


class Service:
    @rpc
    def lost_connection(self):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    @rpc
    def duplicate(self):
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    @rpc
    def fine(self, value):
        return value


def test_lost_database_connection_is_service_unavailable():
    with pytest.raises(ServiceUnavailable):
        Service().lost_connection()


def test_other_database_errors_pass_through():
    with pytest.raises(IntegrityError):
        Service().duplicate()


def test_entrypoint_is_still_a_nameko_rpc():
    assert Service().fine(3) == 3
    assert Service.fine.nameko_entrypoints


class Writer:
    """A service whose worker writes a row, then returns or fails."""

    def __init__(self, engine):
        from sqlalchemy.orm import Session

        self.db = Session(engine)

    @rpc
    def write(self, value, fail=False):
        from sqlalchemy import text

        self.db.execute(text("INSERT INTO rows VALUES (:value)"), {"value": value})
        if fail:
            raise ServiceUnavailable("after the write")
        return value


@pytest.fixture
def engine(tmp_path):
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'rpc.db'}", connect_args={"timeout": 0})
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE rows (value INTEGER)"))
    yield engine
    engine.dispose()


def rows(engine):
    from sqlalchemy import text

    with engine.connect() as other:
        return other.execute(text("SELECT value FROM rows")).scalars().all()


def test_the_workers_session_is_committed_before_the_result_returns(engine):
    """nameko replies before it calls worker_result: the write must be stored by then."""
    writer = Writer(engine)
    assert writer.write(7) == 7
    assert rows(engine) == [7]


def test_the_workers_session_is_rolled_back_before_the_error_is_raised(engine):
    """...and a failed worker must not hold SQLite's write lock while its error is sent."""
    from sqlalchemy import text

    writer = Writer(engine)
    with pytest.raises(ServiceUnavailable):
        writer.write(7, fail=True)
    with engine.begin() as other:  # timeout 0: a held lock would fail at once
        other.execute(text("INSERT INTO rows VALUES (8)"))
    assert rows(engine) == [8]


class Replier:
    """A service answering over a real RabbitMQ, for the reply's way back."""

    name = "replier"

    @rpc
    def echo(self, value, times=1):
        return [value] * times

    @rpc
    def unencodable(self):
        return object()


@pytest.fixture(scope="module")
def replier(amqp_uri):
    from nameko.containers import ServiceContainer
    from nameko.standalone.rpc import ClusterRpcProxy

    config = {"AMQP_URI": amqp_uri}
    container = ServiceContainer(Replier, config)
    container.start()
    try:
        with ClusterRpcProxy(config, timeout=10) as cluster:
            yield cluster.replier
    finally:
        container.stop()


def test_a_reply_comes_back_encoded_once_and_whole(replier):
    assert replier.echo("é", times=3) == ["é", "é", "é"]
    assert replier.echo(value={"nested": [1, None]}) == [{"nested": [1, None]}]


def test_a_result_that_cannot_be_encoded_is_the_callers_error(replier):
    from nameko.exceptions import RemoteError

    with pytest.raises(RemoteError) as raised:
        replier.unencodable()
    assert raised.value.exc_type == "UnserializableValueError"
    assert replier.echo(1) == [1]  # the service goes on answering


def test_a_call_that_does_not_fit_the_method_is_refused_before_it_runs(replier):
    from nameko.exceptions import IncorrectSignature

    for args, kwargs in (((), {}), ((1, 2, 3), {}), ((1,), {"colour": "red"})):
        with pytest.raises(IncorrectSignature):
            replier.echo(*args, **kwargs)
