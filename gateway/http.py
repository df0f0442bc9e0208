"""The gateway's HTTP entrypoint: nameko's ``@http``, with one web server that

- matches Jellyfin routes case-insensitively (their paths are canonicalised to lower case),
- answers unknown routes and methods with JSON instead of werkzeug's HTML,
- turns results into JSON and every exception into its one response (`gateway/errors.py`),
- keeps tokens out of the access log,
- gives every request a correlation id (``X-Request-Id``) that follows it through every service.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from gateway.errors import error_response
from gateway.responses import json_response, no_content
from services.common.errors import ServiceUnavailable, SetlistError
from services.common.logs import CORRELATION_ID

#: first path segments of Jellyfin routes, which Jellyfin matches in any case
JELLYFIN_PREFIXES = frozenset({"users", "sessions", "system", "useritems", "userplayeditems",
                               "playingitems"})
SECRET_QUERY = re.compile(r"((?:api_?key|token)=)[^&\s\"]+", re.IGNORECASE)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

access_log = logging.getLogger("gateway.access")


class RedactTokens(logging.Filter):
    """Masks token-bearing query parameters in access-log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = SECRET_QUERY.sub(r"\1***", str(record.msg))
        if record.args:
            record.args = tuple(SECRET_QUERY.sub(r"\1***", str(arg)) for arg in record.args)
        return True


access_log.addFilter(RedactTokens())


def canonical_path(path: str) -> str:
    """Lower-case a Jellyfin route (ids are case-insensitive GUIDs too); others stay as they are."""
    first = path.lstrip("/").split("/", 1)[0].lower()
    return path.lower() if first in JELLYFIN_PREFIXES else path


def as_response(result: Any) -> Response:
    """A handler's result as a response: a Response as is, None as 204, anything else as JSON."""
    if isinstance(result, Response):
        return result
    if result is None:
        return no_content()
    return json_response(result)


SHUTTING_DOWN = "This gateway is shutting down; try again."


class GatewayRequest(Request):
    """A request with what the gateway adds: the matched route's values (nameko's handlers read
    them) and the request's correlation id."""

    path_values: dict[str, Any]
    correlation_id: str


class GatewayApp(WsgiApp):
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self.server.stopping:  # requests already running finish; new ones go elsewhere
            response = error_response(ServiceUnavailable(SHUTTING_DOWN))
            response.headers["Connection"] = "close"
            return response(environ, start_response)
        environ["PATH_INFO"] = canonical_path(environ.get("PATH_INFO", ""))
        request = GatewayRequest(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
            request.path_values = values
            response = provider.handle_request(request)
        except HTTPException as exc:
            if exc.code in (301, 302, 307, 308):  # werkzeug's trailing-slash redirects
                response = exc.get_response(environ)
            else:
                response = error_response(exc)
        return response(environ, start_response)


def correlation_id(request: Request) -> str:
    """The client's ``X-Request-Id`` when it is a sane token, else a new id."""
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


class GatewayServer(WebServer):
    """nameko's web server; ``stopping`` from the moment the service is told to stop. nameko keeps
    accepting until the running workers are done, so until then new requests get a 503."""

    stopping = False

    def get_wsgi_app(self) -> GatewayApp:
        return GatewayApp(self)

    def context_data_from_headers(self, request: GatewayRequest) -> dict[str, str]:
        """Starts the correlation id that nameko then carries through every RPC and event."""
        request.correlation_id = correlation_id(request)
        return {CORRELATION_ID: request.correlation_id}

    def get_wsgi_server(self, sock: Any, wsgi_app: Any, **kwargs: Any) -> Any:
        server = super().get_wsgi_server(sock, wsgi_app, **kwargs)
        server.log = access_log
        return server


class Route(HttpRequestHandler):
    """``@route("GET", "/users/me")``: a handler returns a Response, JSON-able data, or None (204)."""

    server = GatewayServer()

    def __init__(self, method: str, url: str, **kwargs: Any) -> None:
        kwargs.setdefault("expected_exceptions", SetlistError)
        super().__init__(method, url, **kwargs)

    def stop(self) -> None:
        self.server.stopping = True
        super().stop()

    def handle_request(self, request: Request) -> Response:
        response: Response = super().handle_request(request)
        response.headers["X-Request-Id"] = getattr(request, "correlation_id", "")
        return response

    def response_from_result(self, result: Any) -> Response:
        return as_response(result)

    def response_from_exception(self, exc: BaseException) -> Response:
        return error_response(exc)


route = Route.decorator
