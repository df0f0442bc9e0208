"""The room's nameko entrypoints on the gateway: ``@room_join(url)``, the websocket route, and
``@room_request``, one request of an open socket."""

from __future__ import annotations

from typing import Any, cast

from nameko.extensions import Entrypoint
from werkzeug.routing import Rule

from gateway.credentials import read_credentials
from gateway.errors import error_response
from gateway.http import GatewayRequest, GatewayServer, correlation_id
from gateway.responses import json_response
from gateway.rooms.hub import RoomHub
from gateway.rooms.session import RoomSession
from gateway.rooms.workers import call_worker
from services.common import errors
from services.common.logs import CORRELATION_ID
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND
from services.common.tokens import hash_token


class RoomRequestEntrypoint(Entrypoint):
    """``@room_request``: ``method(principal, event_id, action, fields, features)`` runs one
    request of an open socket; it returns the frames for the sender (``sync``) or raises a Setlist
    error."""

    hub = RoomHub()

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("expected_exceptions", errors.SetlistError)
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.hub.register_provider(self)
        self.hub.request_entrypoint = self

    def stop(self) -> None:
        self.hub.shut_down()
        self.hub.unregister_provider(self)


class RoomJoinEntrypoint(Entrypoint):
    """``@room_join(url)``: the websocket route. ``method(request, event_id)`` authenticates the
    handshake and checks access, returning the principal and its role: an authentication error
    is the HTTP answer (401), NotFound closes the accepted socket with 4404, PermissionDenied
    with 4403."""

    server = GatewayServer()
    hub = RoomHub()

    def __init__(self, url: str, **kwargs: Any) -> None:
        kwargs.setdefault("expected_exceptions", errors.SetlistError)
        super().__init__(**kwargs)
        self.url = url

    def setup(self) -> None:
        self.server.register_provider(self)
        self.hub.register_provider(self)

    def stop(self) -> None:
        self.hub.shut_down()
        self.server.unregister_provider(self)
        self.hub.unregister_provider(self)

    def get_url_rule(self) -> Rule:
        return Rule(self.url, methods=["GET"], websocket=True)

    def handle_request(self, request: GatewayRequest) -> Any:
        if not self.hub.accepting:
            return json_response({"detail": "The server is shutting down."}, 503)
        event_id = request.path_values["event_id"]
        try:
            principal, role = call_worker(
                self, (request, event_id), {CORRELATION_ID: correlation_id(request)}
            )
            refusal = None
        except errors.NotFound:
            principal, role, refusal = {}, "", EVENT_NOT_FOUND
        except errors.PermissionDenied:
            principal, role, refusal = {}, "", ACCESS_DENIED
        except Exception as exc:  # 401 for credentials, 503 for a service that is down
            return error_response(exc)
        if refusal is None and not self.hub.claim(principal.get("user_id")):
            return json_response({"detail": "Too many open room sockets."}, 429)
        token = read_credentials(cast(Any, request.headers), request.args).token
        return RoomSession(
            self.hub, event_id, principal, refusal, hash_token(token) if token else None, role
        )


room_join = RoomJoinEntrypoint.decorator
room_request = RoomRequestEntrypoint.decorator
