"""Many events published with one wait for the broker's confirms (a real RabbitMQ)."""

import secrets
import socket

import pytest
from amqp.exceptions import ChannelError
from kombu import Connection, Exchange
from nameko.amqp.publish import get_connection
from nameko.standalone.events import get_event_exchange

from services.common.confirmed_publish import Confirmations, NotConfirmed, publish_events
from services.common.transport import is_transport_failure
from tests.support.domain_events import Listener


def test_events_arrive_in_order_as_nameko_events(amqp_uri):
    listener = Listener(amqp_uri, "confirm-test")
    events = [("user_data_changed", {"n": n}) for n in range(50)] + [("playback_changed", {})]
    exchange = get_event_exchange("confirm-test", {})
    publish_events(amqp_uri, exchange, events, {"nameko.correlation_id": "c1"}, "json")
    publish_events(amqp_uri, exchange, events[:2], {}, "json")  # the pooled connection again
    assert listener.take(53) == events + events[:2]
    assert listener.nothing_more()


def socket_writes(amqp_uri: str, events: list) -> int:
    """How many writes to the socket publishing `events` takes (on a pooled connection)."""
    exchange = get_event_exchange("confirm-test", {})
    publish_events(amqp_uri, exchange, [("warm", {})], {}, "json")  # the connection is pooled
    with get_connection(amqp_uri) as pooled:
        transport = pooled.connection.transport
        sendall, writes = transport._write, []

        def counted(data: bytes) -> None:
            writes.append(len(data))
            sendall(data)

        transport._write = counted
    try:
        publish_events(amqp_uri, exchange, events, {}, "json")
    finally:
        transport._write = sendall
    return len(writes)


def test_the_messages_of_a_batch_are_one_write(amqp_uri):
    listener = Listener(amqp_uri, "confirm-test")
    one = socket_writes(amqp_uri, [("a", {"n": 0})])
    many = socket_writes(amqp_uri, [("a", {"n": n}) for n in range(30)])
    assert many == one == 1  # the messages: the channel in confirm mode is kept
    assert len(listener.take(33)) == 33


def test_a_pooled_connection_found_dead_is_replaced_and_the_events_sent_again(amqp_uri):
    listener = Listener(amqp_uri, "confirm-test")
    exchange = get_event_exchange("confirm-test", {})
    publish_events(amqp_uri, exchange, [("a", {})], {}, "json")  # a connection in the pool
    with get_connection(amqp_uri) as pooled:  # the broker's side of it is gone
        pooled.connection.transport.sock.shutdown(socket.SHUT_RDWR)
    publish_events(amqp_uri, exchange, [("b", {}), ("c", {})], {}, "json")
    assert listener.take(3) == [("a", {}), ("b", {}), ("c", {})]


def test_a_failed_publish_leaves_the_pool_usable(amqp_uri):
    listener = Listener(amqp_uri, "confirm-test")
    name = f"confirm-test-{secrets.token_hex(4)}"
    with Connection(amqp_uri) as connection:  # the exchange exists, of another type
        Exchange(name, type="direct", auto_delete=True)(connection.default_channel).declare()
        with pytest.raises(ChannelError):  # PRECONDITION_FAILED: the broker closes the channel
            publish_events(amqp_uri, Exchange(name, type="topic"), [("a", {})], {}, "json")
    exchange = get_event_exchange("confirm-test", {})
    publish_events(amqp_uri, exchange, [("c", {}), ("d", {})], {}, "json")
    assert listener.take(2) == [("c", {}), ("d", {})]


def test_every_tag_must_be_acked_one_by_one_or_together():
    confirmations = Confirmations()
    confirmations.expect(5)
    confirmations.ack(2, multiple=False)
    assert confirmations.pending == {1, 3, 4, 5}
    confirmations.ack(4, multiple=True)
    assert confirmations.pending == {5}
    confirmations.ack(5, multiple=False)
    assert not confirmations.pending


def test_a_refused_message_is_a_transport_failure():
    with pytest.raises(NotConfirmed) as refused:
        Confirmations().nack(2, multiple=False)
    assert is_transport_failure(refused.value)
