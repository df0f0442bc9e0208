"""The server's identity (id, name, version) from accounts, fetched once per process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nameko.extensions import DependencyProvider


class ServerIdentity(DependencyProvider):
    """``server_identity = ServerIdentity()``: a callable returning accounts' ``server_info``.

    The identity never changes once made, so one RPC per gateway process is enough.
    """

    def setup(self) -> None:
        self.identity: dict[str, Any] | None = None

    def get_dependency(self, worker_ctx: Any) -> Callable[[], dict[str, Any]]:
        def identity() -> dict[str, Any]:
            if self.identity is None:
                self.identity = worker_ctx.service.accounts.server_info()
            return self.identity

        return identity
