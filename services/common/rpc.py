"""The RPC entrypoint every service uses: nameko's, with Setlist errors marked as expected, and a
database that cannot be reached turned into ServiceUnavailable (a 503 for the client, not a 500).

Expected errors are a client's mistake, not the service's: nameko logs them as warnings and they
reach the caller as the same error class.

A worker's database session is committed before the reply leaves: nameko sends an RPC's reply before
dependencies see the result (where the Database provider would commit), so a caller could otherwise
act on a write (use a token just made) before other workers can read it.
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


def rpc(method: F) -> F:
    @functools.wraps(method)
    def entrypoint(*args: Any, **kwargs: Any) -> Any:
        try:
            result = method(*args, **kwargs)
            for dependency in vars(args[0]).values():
                if isinstance(dependency, Session):
                    dependency.commit()
            return result
        except DBAPIError as exc:
            if database_unavailable(exc):
                raise ServiceUnavailable("The database is unavailable; try again shortly.") \
                    from exc
            raise

    return nameko_rpc(expected_exceptions=SetlistError)(entrypoint)  # type: ignore[return-value]
