"""The gateway service: every public route, composed from one mixin per API, plus health and the
cache invalidation every instance must hear."""

from __future__ import annotations

from typing import Any

from nameko.events import BROADCAST, event_handler
from werkzeug.wrappers import Request

from gateway import health
from gateway.auth import Auth
from gateway.http import health_route
from gateway.progress import ProgressReports
from gateway.responses import json_response
from gateway.routes.accounts import AccountRoutes
from gateway.routes.events import EventRoutes
from gateway.routes.pages import PageRoutes
from gateway.routes.playstate import PlaystateRoutes
from gateway.routes.reference import ReferenceRoutes
from gateway.routes.rooms import RoomRoutes
from gateway.rpc import TimedRpcProxy
from gateway.server_identity import ServerIdentity
from gateway.users import CallerUsers
from services.common import config
from services.common.logs import LogContext
from services.common.metrics import Metrics

HEALTH = health.HealthCache()


class GatewayService(
    AccountRoutes, EventRoutes, PlaystateRoutes, RoomRoutes, PageRoutes, ReferenceRoutes
):
    name = "gateway"

    accounts = TimedRpcProxy("accounts")
    accounts_login = TimedRpcProxy("accounts_login")
    events = TimedRpcProxy("events")
    playstate = TimedRpcProxy("playstate")
    realtime = TimedRpcProxy("realtime")
    auth = Auth()
    users = CallerUsers()
    report_progress = ProgressReports()
    server_identity = ServerIdentity()
    log_context = LogContext()
    metrics = Metrics()

    @health_route("GET", "/health")
    def health(self, request: Request) -> Any:
        proxies = {name: getattr(self, name) for name in config.SERVICES}
        status, body = HEALTH.get(lambda: health.check(config.amqp_uri(), proxies))
        return json_response(body, status)

    @event_handler("accounts", "token_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def forget_revoked_tokens(self, payload: dict[str, Any]) -> None:
        self.auth.cache.drop(payload["token_hashes"])

    @event_handler("accounts", "user_changed", handler_type=BROADCAST, reliable_delivery=False)
    def forget_changed_users(self, payload: dict[str, Any]) -> None:
        self.users.forget(payload["user_ids"])
