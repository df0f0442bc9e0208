"""Many domain events published as one: back to back on one channel in confirm mode (kept with its
pooled connection), written to the socket at once, then one wait until the broker has confirmed
them all.

nameko's event dispatcher waits for the broker's confirm of each message before it sends the next.
A batch of progress reports announces an event per report, so its answer waited for as many broker
round trips (7 of a 32-report batch's 24 ms, measured). Here the guarantee is the same — the call
returns only once the broker holds every message, and raises when it refused one or did not confirm
in time — for one round trip. The messages are nameko's events, as its dispatcher sends them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

from kombu import Connection, Exchange, Producer
from kombu.exceptions import OperationalError
from nameko.constants import PERSISTENT

from services.common.amqp_pools import get_connection

#: seconds the broker has to confirm a batch's messages
CONFIRM_TIMEOUT = 10.0

#: a domain event's message: what it is (its routing key) and its body
Payload = dict[str, Any]
Announcement = tuple[str, Payload]


class NotConfirmed(OperationalError):
    """The broker refused a message (a nack) or did not confirm them in time: a transport failure,
    which the caller answers with a 503 (`services/common/transport.py`)."""


class Confirmations:
    """The delivery tags of a confirm-mode channel's messages until the broker acked each (an ack
    with ``multiple`` confirms every tag up to its own). A channel numbers its messages from 1 on,
    over every call that uses it."""

    def __init__(self) -> None:
        self.sent = 0
        self.pending: set[int] = set()

    def expect(self, count: int) -> None:
        """`count` more messages are on their way."""
        self.pending.update(range(self.sent + 1, self.sent + count + 1))
        self.sent += count

    def ack(self, tag: int, multiple: bool) -> None:
        if multiple:
            self.pending = {pending for pending in self.pending if pending > tag}
        else:
            self.pending.discard(tag)

    def nack(self, tag: int, multiple: bool) -> None:
        raise NotConfirmed(f"the broker refused event message {tag}")


#: each pooled connection's confirm-mode channel, kept from one call to the next (a channel
#: opened, put in confirm mode and closed per call were three round trips to the broker each)
_confirm_channels: WeakKeyDictionary[Any, tuple[Any, Confirmations]] = WeakKeyDictionary()


def confirm_channel(connection: Connection) -> tuple[Any, Confirmations]:
    """The confirm-mode channel kept with `connection` (a new one when it has none open), and its
    confirmations. A connection that fails is dropped from the pool, and its channel with it."""
    kept = _confirm_channels.get(connection.connection)
    if kept is not None and kept[0].is_open:
        return kept
    channel = connection.channel()
    confirmations = Confirmations()
    channel.events["basic_ack"].add(confirmations.ack)
    channel.events["basic_nack"].add(confirmations.nack)
    channel.confirm_select()
    _confirm_channels[connection.connection] = (channel, confirmations)
    return channel, confirmations


@contextmanager
def written_at_once(connection: Connection) -> Iterator[None]:
    """The frames written meanwhile go to the socket in one write when the block ends, not one
    write per message: a batch's events then cost the broker one read instead of one each (its
    CPU per progress report halved, bench/RESULTS.md). py-amqp (pinned) writes every frame through
    its transport's ``_write``; here that collects them. Nothing in the block may wait for the
    broker's answer: its request would not have left."""
    transport = connection.connection.transport
    frames: list[bytes] = []
    write = transport._write
    transport._write = lambda data: frames.append(bytes(data))
    try:
        yield
    finally:
        transport._write = write
    transport.write(b"".join(frames))


def publish_events(
    amqp_uri: str,
    exchange: Exchange,
    events: Sequence[Announcement],
    headers: dict[str, Any],
    serializer: str,
    ssl: Any = None,
    login_method: str | None = None,
    timeout: float = CONFIRM_TIMEOUT,
) -> None:
    """Publish each ``(kind, payload)`` to `exchange`, routed by its kind, in order; return once the
    broker has confirmed every one. A connection that failed is dropped (the pool's next user gets
    a new one); when it was lost (a pooled connection the broker closed, say) the events are sent
    once more on a new one, as nameko's dispatcher retries (so an event may arrive twice)."""
    for attempt in range(2):
        # nothing may be raised inside the pool's `with`: kombu closes a pooled connection that an
        # exception leaves and puts it back in the pool closed, where it fails every later user
        with get_connection(amqp_uri, ssl, login_method) as connection:
            try:
                _publish_confirmed(connection, exchange, events, headers, serializer, timeout)
                return
            except Exception as exc:
                connection.collect()  # the next user connects anew
                failure, lost = exc, isinstance(exc, connection.recoverable_connection_errors)
        if attempt or not lost:
            raise failure


def _publish_confirmed(
    connection: Connection,
    exchange: Exchange,
    events: Sequence[Announcement],
    headers: dict[str, Any],
    serializer: str,
    timeout: float,
) -> None:
    channel, confirmations = confirm_channel(connection)
    confirmations.expect(len(events))
    producer = Producer(channel, exchange=exchange, serializer=serializer)
    producer.maybe_declare(exchange)  # once per connection, and never inside the block: it waits
    with written_at_once(connection):
        for kind, payload in events:
            producer.publish(payload, routing_key=kind, headers=headers, delivery_mode=PERSISTENT)
    deadline = time.monotonic() + timeout
    while confirmations.pending:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            connection.drain_events(timeout=remaining)
        except TimeoutError:
            raise NotConfirmed(
                f"the broker did not confirm {len(confirmations.pending)} event messages "
                f"within {timeout:g} s"
            ) from None
