"""What counts as a failure of the messaging layer, here or in the service that was called."""

import amqp.exceptions
import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService

from services.common.errors import ServiceUnavailable
from services.common.rpc import rpc
from services.common.transport import is_transport_failure


@pytest.mark.parametrize(
    "exc",
    [
        UnknownService("events"),
        RpcTimeout(),
        OperationalError("no broker"),
        amqp.exceptions.ConnectionForced("shutdown"),
        ConnectionResetError(),
        RemoteError("ConnectionForced", "broker shutdown"),
        RemoteError("UnknownService", "accounts"),
    ],
)
def test_messaging_failures(exc):
    assert is_transport_failure(exc)


@pytest.mark.parametrize(
    "exc",
    [
        KeyError("x"),
        RemoteError("KeyError", "x"),
        ValueError("bad"),
    ],
)
def test_other_errors_are_not(exc):
    assert not is_transport_failure(exc)


class Caller:
    """A service whose worker calls another service while the broker is going away."""

    @rpc
    def relay(self):
        raise amqp.exceptions.ConnectionForced("broker shutdown")


def test_a_failed_call_to_another_service_is_service_unavailable():
    with pytest.raises(ServiceUnavailable):
        Caller().relay()
