"""One resolver from request to Principal, for every route and the websocket handshake.

Principals are cached for a few seconds per token (keyed by the token's hash), and dropped at once
when accounts announces that a token was revoked. In front of that, a request's raw credentials
(the headers and query string they are read from) are remembered with the principal they came to,
so that a client's next request with the same headers skips parsing them, hashing the token and
adding the device (most of the ~20 µs a progress report spent being resolved): that memory holds
only while the principal cache still holds the same principal, so a revocation or an expiry
reaches it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
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

#: where credentials are read from (`gateway.credentials`), by their WSGI environ names
CREDENTIAL_SOURCES = (
    "HTTP_AUTHORIZATION",
    "HTTP_X_EMBY_AUTHORIZATION",
    "HTTP_X_EMBY_TOKEN",
    "HTTP_X_MEDIABROWSER_TOKEN",
    "QUERY_STRING",
)
RawCredentials = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class KnownCaller:
    """What a request's raw credentials came to: `principal` (with the request's device), valid
    while the principal cache holds `cached` for `token_hash`."""

    token_hash: str
    cached: Principal
    principal: Principal


#: raw credentials → what they came to
KnownCallers = ExpiringCache[RawCredentials, KnownCaller]


def raw_credentials(environ: Mapping[str, Any]) -> RawCredentials:
    return tuple(environ.get(name) for name in CREDENTIAL_SOURCES)


class Authenticator:
    """Resolves credentials through accounts' ``authenticate`` RPC, with the cache in front."""

    def __init__(
        self,
        cache: PrincipalCache,
        authenticate: Callable[[str], dict[str, Any]],
        known: KnownCallers,
    ) -> None:
        self.cache = cache
        self.authenticate = authenticate
        self.known = known

    def principal(self, headers: Mapping[str, str], query: Mapping[str, str]) -> Principal:
        """The caller; NotAuthenticated without credentials, AuthenticationFailed for a bad token."""
        return self.resolve(read_credentials(headers, query))

    def resolve(self, credentials: Credentials) -> Principal:
        """The principal of `credentials`, with the device its MediaBrowser header names."""
        return self._known(credentials).principal

    def _known(self, credentials: Credentials) -> KnownCaller:
        if credentials.token is None:
            raise NotAuthenticated()
        token = credentials.token
        token_hash = hash_token(token)
        cached = self.cache.load(token_hash, lambda: Principal.from_dict(self.authenticate(token)))
        principal = cached
        if principal.is_user and credentials.device_id:
            principal = replace(
                principal,
                device_id=credentials.device_id,
                client=credentials.client or principal.client,
                device_name=credentials.device_name or principal.device_name,
                client_version=credentials.client_version or principal.client_version,
            )
        return KnownCaller(token_hash, cached, principal)

    def request_principal(self, request: Any) -> Principal:
        """:meth:`principal` of the request, remembered by its raw credentials."""
        raw = raw_credentials(request.environ)
        known = self.known.get(raw)
        if known is None or self.cache.get(known.token_hash) is not known.cached:
            known = self._known(self.request_credentials(request))
            self.known.put(raw, known)
        return known.principal

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
        ttl = config.PRINCIPAL_CACHE_SECONDS.value()
        self.cache = PrincipalCache(ttl)
        self.known = KnownCallers(ttl)


class Auth(DependencyProvider):
    """``auth = Auth()`` on the gateway: an :class:`Authenticator` per worker, one cache per process.

    It calls accounts through the service's own ``accounts`` RpcProxy.
    """

    principals = Principals()

    def get_dependency(self, worker_ctx: Any) -> Authenticator:
        # looked up at call time: the proxy may be injected after this dependency
        return Authenticator(
            self.principals.cache,
            lambda token: worker_ctx.service.accounts.authenticate(token),
            self.principals.known,
        )
