"""The base of the gateway's route mixins: the dependencies every mixin may use, typed as a worker
sees them (``gateway/service.py`` declares them once), and the caller of a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from gateway.auth import Authenticator
from gateway.progress import ReportProgress
from gateway.rpc import TimedServiceProxy
from gateway.users import Users


class RouteBase:
    """What a route mixin of :class:`gateway.service.GatewayService` may use."""

    #: resolves a request's credentials to a principal (:class:`gateway.auth.Auth`)
    auth: Authenticator
    #: the callers' own user records, cached (:class:`gateway.users.CallerUsers`)
    users: Users
    #: the services, each call given up with a 503 after ``RPC_TIMEOUT_SECONDS``
    accounts: TimedServiceProxy
    #: accounts' password logins, on a queue of their own (``services/accounts/service.py``)
    accounts_login: TimedServiceProxy
    events: TimedServiceProxy
    playstate: TimedServiceProxy
    realtime: TimedServiceProxy
    #: hands a progress report to the process's batch call (:class:`gateway.progress.ProgressReports`;
    #: a :class:`gateway.progress.ProgressRoute` runs its handler with the queue's own, no worker)
    report_progress: ReportProgress
    #: accounts' ``server_info``, fetched once per process (:class:`gateway.server_identity.ServerIdentity`)
    server_identity: Callable[[], dict[str, Any]]

    def _caller(self, request: Request) -> dict[str, Any]:
        """The authenticated caller as RPC arguments carry it (NotAuthenticated without
        credentials, AuthenticationFailed for a bad token)."""
        return self.auth.request_principal(request).to_dict()
