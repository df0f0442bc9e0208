"""Failures of the messaging layer (RabbitMQ, a reply that never came, a service that is not there):
the caller should try again later, so they are a 503 wherever they surface — in the gateway, or in
a service whose own RPC to another service failed (it reaches the gateway as a RemoteError)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import amqp.exceptions
import eventlet
import kombu.exceptions
from nameko.exceptions import (
    ContainerBeingKilled,
    RemoteError,
    ReplyQueueExpiredWithPendingReplies,
    RpcTimeout,
    UnknownService,
)
from nameko.messaging import QueueConsumer

_log = logging.getLogger(__name__)

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    UnknownService,
    RpcTimeout,
    ReplyQueueExpiredWithPendingReplies,
    ContainerBeingKilled,
    kombu.exceptions.OperationalError,
    amqp.exceptions.RecoverableConnectionError,
    amqp.exceptions.RecoverableChannelError,
    ConnectionError,
    eventlet.Timeout,
)


def _with_subclasses(classes: tuple[type[BaseException], ...]) -> set[type[BaseException]]:
    found = set(classes)
    for cls in classes:
        found |= _with_subclasses(tuple(cls.__subclasses__()))
    return found


#: how a RemoteError names them (its exc_type is the concrete class: ConnectionForced, …)
TRANSPORT_ERROR_NAMES = frozenset(cls.__name__ for cls in _with_subclasses(TRANSPORT_ERRORS))


def is_transport_failure(exc: BaseException) -> bool:
    """The messaging layer failed, here or (a RemoteError) in the service that was called."""
    if isinstance(exc, RemoteError):
        return exc.exc_type in TRANSPORT_ERROR_NAMES
    return isinstance(exc, TRANSPORT_ERRORS)


def _unless_connection_gone(settle: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """nameko's ack (or requeue) of a message its worker finished, which already does nothing when
    the message's connection is known to be gone, made to do nothing too when the connection dies
    under it: nameko 2.14 catches only amqp's ConnectionError there, so the socket's own error
    (connection reset, broken pipe) killed the whole container — a gateway whose broker went away
    while it acknowledged a room message stopped serving until restarted. The broker takes an
    unacknowledged message back with its connection and delivers it again (once-only writes and
    idempotent handlers make that harmless)."""

    @functools.wraps(settle)
    def settle_unless_gone(queue_consumer: Any, message: Any) -> None:
        try:
            settle(queue_consumer, message)
        except (OSError, amqp.exceptions.RecoverableConnectionError) as exc:
            _log.warning(
                "%s: the connection to the broker is gone (%r); the broker delivers the "
                "message again",
                settle.__name__,
                exc,
            )

    return settle_unless_gone


QueueConsumer.ack_message = _unless_connection_gone(QueueConsumer.ack_message)
QueueConsumer.requeue_message = _unless_connection_gone(QueueConsumer.requeue_message)
