"""The RPC entrypoint every service uses: nameko's, with Setlist errors marked as expected.

Expected errors are a client's mistake, not the service's: nameko logs them as warnings and they
reach the caller as the same error class.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from nameko.rpc import rpc as nameko_rpc

from services.common.errors import SetlistError

F = TypeVar("F", bound=Callable)


def rpc(method: F) -> F:
    return nameko_rpc(expected_exceptions=SetlistError)(method)
