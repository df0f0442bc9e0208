"""An unreachable database is ServiceUnavailable to the caller, other database errors are not."""

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

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


class CountingSession(Session):
    commits = 0

    def commit(self):
        self.commits += 1


def test_the_session_is_committed_before_the_reply():
    service = Service()
    service.db = CountingSession()
    assert service.fine(4) == 4
    assert service.db.commits == 1
