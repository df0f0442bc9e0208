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
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from nameko.rpc import rpc as nameko_rpc
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from services.common.errors import ServiceUnavailable, SetlistError
from services.common.transport import is_transport_failure

F = TypeVar("F", bound=Callable[..., Any])


def database_unavailable(exc: DBAPIError) -> bool:
    """A lost or refused connection, as opposed to a bad statement."""
    return exc.connection_invalidated or type(exc).__name__ in ("OperationalError",
                                                                "InterfaceError")


def _session(service: Any) -> Session | None:
    session = getattr(service, "db", None)
    return session if isinstance(session, Session) else None


def _finish(service: Any, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `method`; commit its session when it returns, roll it back when it raises."""
    session = _session(service)
    try:
        result = method(service, *args, **kwargs)
    except BaseException:
        if session is not None:
            session.rollback()
        raise
    if session is not None:
        session.commit()
    return result


def rpc(method: F) -> F:
    @functools.wraps(method)
    def entrypoint(service: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _finish(service, method, *args, **kwargs)
        except DBAPIError as exc:
            if database_unavailable(exc):
                raise ServiceUnavailable("The database is unavailable; try again shortly.") \
                    from exc
            raise
        except Exception as exc:
            if is_transport_failure(exc):  # this service's own call to another one failed
                raise ServiceUnavailable() from exc
            raise

    return nameko_rpc(expected_exceptions=SetlistError)(entrypoint)  # type: ignore[return-value]
