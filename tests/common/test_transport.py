"""What counts as a failure of the messaging layer, here or in the service that was called."""

import amqp.exceptions
import pytest
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from nameko.messaging import QueueConsumer

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


class Channel:
    connection = object()  # alive, as far as nameko can tell


class DyingMessage:
    """A message whose connection dies as it is acknowledged."""

    channel = Channel()

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def ack(self) -> None:
        raise self.error

    def requeue(self) -> None:
        raise self.error


@pytest.mark.parametrize(
    "error",
    [
        ConnectionResetError(104, "Connection reset by peer"),
        BrokenPipeError(32, "Broken pipe"),
        amqp.exceptions.RecoverableConnectionError("connection already closed"),
    ],
)
def test_a_message_whose_connection_died_is_left_to_the_broker(error):
    consumer = QueueConsumer()
    consumer.ack_message(DyingMessage(error))  # nameko 2.14 raised here: the container died
    consumer.requeue_message(DyingMessage(error))
