"""The RPC entrypoint every service uses: nameko's, with Setlist errors marked as expected, and a
database that cannot be reached turned into ServiceUnavailable (a 503 for the client, not a 500).

The worker's database session (the service's ``db``) is committed before the result is returned:
nameko sends the reply first and only then calls the dependencies' ``worker_result``, so without
this a caller could act on a write that is not stored yet (on SQLite, the next request did not
find the team it had just been told was created).

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

F = TypeVar("F", bound=Callable[..., Any])


def database_unavailable(exc: DBAPIError) -> bool:
    """A lost or refused connection, as opposed to a bad statement."""
    return exc.connection_invalidated or type(exc).__name__ in ("OperationalError",
                                                                "InterfaceError")


def _commit(service: Any) -> None:
    session = getattr(service, "db", None)
    if isinstance(session, Session):
        session.commit()


def rpc(method: F) -> F:
    @functools.wraps(method)
    def entrypoint(service: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(service, *args, **kwargs)
            _commit(service)
            return result
        except DBAPIError as exc:
            if database_unavailable(exc):
                raise ServiceUnavailable("The database is unavailable; try again shortly.") \
                    from exc
            raise

    return nameko_rpc(expected_exceptions=SetlistError)(entrypoint)  # type: ignore[return-value]
