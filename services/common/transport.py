"""Failures of the messaging layer (RabbitMQ, a reply that never came, a service that is not there):
the caller should try again later, so they are a 503 wherever they surface — in the gateway, or in
a service whose own RPC to another service failed (it reaches the gateway as a RemoteError)."""

from __future__ import annotations

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
