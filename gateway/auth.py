"""One resolver from request to Principal, for every route and the websocket handshake.

Principals are cached for a few seconds per token (keyed by the token's hash), and dropped at once
when accounts announces that a token was revoked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from nameko.extensions import DependencyProvider, SharedExtension

from gateway.credentials import Credentials, read_credentials
from services.common import config
from services.common.errors import NotAuthenticated
from services.common.expiring_cache import ExpiringCache
from services.common.principal import Principal
from services.common.tokens import hash_token

#: token hash → its principal
PrincipalCache = ExpiringCache[str, Principal]


class Authenticator:
    """Resolves credentials through accounts' ``authenticate`` RPC, with the cache in front."""

    def __init__(
        self, cache: PrincipalCache, authenticate: Callable[[str], dict[str, Any]]
    ) -> None:
        self.cache = cache
        self.authenticate = authenticate

    def principal(self, headers: Mapping[str, str], query: Mapping[str, str]) -> Principal:
        """The caller; NotAuthenticated without credentials, AuthenticationFailed for a bad token."""
        return self.resolve(read_credentials(headers, query))

    def resolve(self, credentials: Credentials) -> Principal:
        """The principal of `credentials`, with the device its MediaBrowser header names."""
        if credentials.token is None:
            raise NotAuthenticated()
        token = credentials.token
        principal = self.cache.load(
            hash_token(token), lambda: Principal.from_dict(self.authenticate(token))
        )
        if principal.is_user and credentials.device_id:
            principal = replace(
                principal,
                device_id=credentials.device_id,
                client=credentials.client or principal.client,
                device_name=credentials.device_name or principal.device_name,
                client_version=credentials.client_version or principal.client_version,
            )
        return principal

    def request_principal(self, request: Any) -> Principal:
        return self.principal(request.headers, request.args)

    def request_credentials(self, request: Any) -> Credentials:
        return read_credentials(request.headers, request.args)

    def forget(self, request: Any) -> None:
        """Drop the request's token from this process's cache (it was just revoked)."""
        token = self.request_credentials(request).token
        if token is not None:
            self.cache.drop([hash_token(token)])


class Principals(SharedExtension):
    """The process's principal cache: one per service container, shared by :class:`Auth` and the
    progress routes that answer from it without a worker (`gateway/progress.py`)."""

    def setup(self) -> None:
        self.cache = PrincipalCache(ttl=config.PRINCIPAL_CACHE_SECONDS.value())


class Auth(DependencyProvider):
    """``auth = Auth()`` on the gateway: an :class:`Authenticator` per worker, one cache per process.

    It calls accounts through the service's own ``accounts`` RpcProxy.
    """

    principals = Principals()

    def get_dependency(self, worker_ctx: Any) -> Authenticator:
        # looked up at call time: the proxy may be injected after this dependency
        return Authenticator(
            self.principals.cache, lambda token: worker_ctx.service.accounts.authenticate(token)
        )
