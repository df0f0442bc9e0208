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


def test_the_workers_session_is_committed_before_the_result_returns(tmp_path):
    """nameko replies before it calls worker_result: the write must be stored by then."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{tmp_path / 'rpc.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE rows (value INTEGER)"))

    class Writer:
        @rpc
        def write(self, value):
            self.db.execute(text("INSERT INTO rows VALUES (:value)"), {"value": value})
            return value

    writer = Writer()
    writer.db = Session(engine)
    assert writer.write(7) == 7
    with engine.connect() as other:
        assert other.execute(text("SELECT value FROM rows")).scalars().all() == [7]
    writer.db.close()
    engine.dispose()
