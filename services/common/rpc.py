"""The RPC entrypoint every service uses: nameko's, with Setlist errors marked as expected, and a
database that cannot be reached, or a failed call to another service, turned into
ServiceUnavailable (a 503 for the client, not a 500).

The worker's database session (the service's ``db``) is committed before the result is returned,
and rolled back before an error is raised: nameko sends the reply first and only then calls the
dependencies' ``worker_result``. Without this a caller could act on a write that is not stored yet
(on SQLite, the next request did not find the team it had just been told was created), and on
SQLite a worker would keep the write lock while its reply is sent, so that a concurrent writer's
busy wait (which blocks the eventlet hub) ended in "database is locked".

Expected errors are a client's mistake, not the service's: nameko logs them as warnings and they
reach the caller as the same error class.

A write entrypoint is ``@rpc(once=True)``: nameko may deliver its request again after the write
committed (see `services/common/redelivery.py`), so the call's id (the request message's
``correlation_id``, which :class:`Rpc` hands to the worker and :class:`RpcCallId` gives the service
as ``rpc_call_id``) is recorded with the answer in the write's transaction, and a call already
recorded is answered from the record. Such an entrypoint must not commit itself: it hands its
domain events to :func:`services.common.database.after_commit`.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import kombu.serialization
import nameko.rpc
from nameko.amqp.publish import Publisher
from nameko.constants import NON_PERSISTENT
from nameko.exceptions import IncorrectSignature, UnserializableValueError, serialize
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc as NamekoRpc
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from services.common import redelivery
from services.common.database import commit, forget_after_commit, run_after_commit
from services.common.errors import ServiceUnavailable, SetlistError
from services.common.transport import is_transport_failure

F = TypeVar("F", bound=Callable[..., Any])

_log = logging.getLogger(__name__)

#: the worker's context data key of the request's call id (taken out again by RpcCallId)
CALL_ID = "setlist.rpc_call_id"


class TransientPublisher(Publisher):
    """Replies are not kept across a broker restart: the caller's reply queue is not either. Nor
    are they confirmed: a reply the broker loses ends, like one lost with the broker, in the
    caller's deadline (a 503 at the gateway), and waiting for each confirm cost the replying
    worker a round trip to the broker."""

    delivery_mode = NON_PERSISTENT
    use_confirms = False


class Responder(nameko.rpc.Responder):
    """nameko's reply, published by :class:`TransientPublisher` and encoded once: nameko's encodes
    the result to find out whether it can, then the whole reply again to send it."""

    publisher_cls = TransientPublisher

    def send_response(self, result: Any, exc_info: Any) -> tuple[Any, Any]:
        error = None if exc_info is None else serialize(exc_info[1])
        content_type = self.message.properties["content_type"]
        serializer = kombu.serialization.registry.type_to_name[content_type]
        try:
            _, encoding, body = kombu.serialization.dumps(
                {"result": result, "error": error}, serializer
            )
        except Exception:  # as nameko: the caller is told, and the worker's error is logged
            exc_info = sys.exc_info()
            result, error = None, serialize(UnserializableValueError(result))
            _, encoding, body = kombu.serialization.dumps(
                {"result": None, "error": error}, serializer
            )
        publisher = self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method)
        publisher.publish(
            body,
            content_type=content_type,
            content_encoding=encoding,
            exchange=self.exchange,
            routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"),
        )
        return result, exc_info


# the class nameko's RpcConsumer makes for every reply
nameko.rpc.Responder = Responder


class Rpc(NamekoRpc):
    """nameko's RPC entrypoint, also giving the worker the request message's correlation id."""

    def unpack_message_headers(self, message: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().unpack_message_headers(message)
        data.pop(CALL_ID, None)  # a header never names the call: only the message does
        call_id = message.properties.get("correlation_id")
        if call_id:
            data[CALL_ID] = call_id
        return data

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        """The service method's own signature (the decorator's wrapper names it as __wrapped__)."""
        return inspect.signature(getattr(self.container.service_cls, self.method_name))

    def check_signature(self, args: Any, kwargs: Any) -> None:
        """nameko's check that the call fits the method, with its signature read once (nameko
        inspects the method on every call: ~2 % of a service's CPU per call)."""
        try:
            self.signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None


class RpcCallId(DependencyProvider):
    """``rpc_call_id``: the id of the RPC call the worker handles (None for other workers). It is
    taken out of the context data, so that the worker's own calls and events do not carry it."""

    def get_dependency(self, worker_ctx: Any) -> str | None:
        call_id: str | None = worker_ctx.data.pop(CALL_ID, None)
        return call_id


def database_unavailable(exc: DBAPIError) -> bool:
    """A lost or refused connection, as opposed to a bad statement."""
    return exc.connection_invalidated or type(exc).__name__ in (
        "OperationalError",
        "InterfaceError",
    )


def _session(service: Any) -> Session | None:
    session = getattr(service, "db", None)
    return session if isinstance(session, Session) else None


def _rollback(session: Session | None) -> None:
    if session is not None:
        session.rollback()
        forget_after_commit(session)


def _finish(service: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `method`; commit its session when it returns, roll it back when it raises."""
    session = _session(service)
    try:
        result = method(service, *args, **kwargs)
    except BaseException:
        _rollback(session)
        raise
    if session is not None:
        commit(session)
    return result


def _replayed(method: str, call_id: str, found: Any) -> Any:
    _log.info("%s: call %s was handled before; answered from its record", method, call_id)
    return redelivery.replay(found)


def _answer_recorded(session: Session, method: str, call_id: str, failure: BaseException) -> Any:
    """The recorded answer of a call that another delivery of it has just recorded; `failure`
    (what this delivery met) when there is none."""
    session.rollback()
    found = redelivery.recorded(session, call_id)
    session.rollback()
    if found is None:
        raise failure
    return _replayed(method, call_id, found)


def _finish_once(service: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """:func:`_finish`, recording the answer under the call's id, or answering from the record."""
    session, call_id = _session(service), getattr(service, "rpc_call_id", None)
    if session is None or not call_id:  # not called over RPC (a test, a script)
        return _finish(service, method, *args, **kwargs)
    name = method.__name__
    redelivery.purge_now_and_then(session)
    found = redelivery.recorded(session, call_id)
    if found is not None:
        session.rollback()
        return _replayed(name, call_id, found)
    try:
        result = method(service, *args, **kwargs)
        redelivery.record_reply(session, call_id, name, result)
        session.commit()
    except IntegrityError as exc:  # e.g. a concurrent delivery committed the record first
        forget_after_commit(session)
        return _answer_recorded(session, name, call_id, exc)
    except SetlistError as exc:
        _rollback(session)
        if isinstance(exc, ServiceUnavailable):  # not an answer: a retry may succeed
            raise
        try:
            redelivery.record_error(session, call_id, name, exc)
            session.commit()
        except IntegrityError:
            return _answer_recorded(session, name, call_id, exc)
        raise
    except BaseException:
        _rollback(session)
        raise
    run_after_commit(session)
    return result


def rpc(method: F | None = None, *, once: bool = False) -> Any:
    """``@rpc`` for a read, ``@rpc(once=True)`` for a write (see the module's docstring)."""
    if method is None:
        return functools.partial(rpc, once=once)
    finish = _finish_once if once else _finish

    @functools.wraps(method)
    def entrypoint(service: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return finish(service, method, *args, **kwargs)
        except DBAPIError as exc:
            if database_unavailable(exc):
                raise ServiceUnavailable("The database is unavailable; try again shortly.") from exc
            raise
        except Exception as exc:
            if is_transport_failure(exc):  # this service's own call to another one failed
                raise ServiceUnavailable() from exc
            raise

    return Rpc.decorator(expected_exceptions=SetlistError)(entrypoint)
