"""The gateway's HTTP entrypoint: nameko's ``@http``, with one web server that

- matches Jellyfin routes case-insensitively (their paths are canonicalised to lower case),
- answers unknown routes and methods with JSON instead of werkzeug's HTML,
- turns results into JSON and every exception into its one response (`gateway/errors.py`),
- writes the access log (`gateway/access.py`: without tokens, progress reports at DEBUG),
- gives every request a correlation id (``X-Request-Id``) that follows it through every service,
- reads chunked bodies like any other, takes only ASCII ids that fit in 64 bits from a path, and
  disconnects a client that has not sent its whole request within ``READ_TIMEOUT_SECONDS``
  (API.md §1 "Limits"),
- answers the liveness probe ``GET /health/live`` itself, without a worker or a service.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any

import eventlet
from eventlet import wsgi
from eventlet.semaphore import Semaphore
from nameko.messaging import QueueConsumer
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter
from werkzeug.wrappers import Request, Response

from gateway.access import QUIET, REQUEST_LINE, access_log, log_request
from gateway.bodies import READ_DEADLINE
from gateway.errors import error_response
from gateway.health import gateway_down
from gateway.request_head import BadHead, read_headers, read_request_line
from gateway.responses import json_response, no_content
from services.common import config
from services.common.errors import BadRequest, ServiceUnavailable, SetlistError
from services.common.logs import CORRELATION_ID

#: seconds a client has to send a whole request (line, headers and body), from the moment the
#: gateway waits for it (a new connection, or the end of the previous response on a kept one)
READ_TIMEOUT = config.READ_TIMEOUT_SECONDS.value()
#: connections waiting to be accepted at most (the kernel caps it at net.core.somaxconn)
LISTEN_BACKLOG = 1024
#: routes remembered by method and path (`GatewayApp.match`)
MATCHES_KEPT = 4096
#: characters of a path at most for it to be remembered (a handful of ids)
MATCHED_PATH_MAX = 256
HEALTH_PATH = "/health"
LIVENESS_PATH = "/health/live"
LOGIN_PATH = "/users/authenticatebyname"
#: password logins a gateway process runs at once; the others wait for their turn without taking
#: a worker, so that a burst of logins leaves the workers to every other request
LOGIN_GATE = Semaphore(config.GATEWAY_LOGINS_AT_ONCE.value())

#: first path segments of Jellyfin routes, which Jellyfin matches in any case
JELLYFIN_PREFIXES = frozenset(
    {"users", "sessions", "system", "useritems", "userplayeditems", "playingitems", "items"}
)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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


#: a WSGI application answering one request: a response, or a websocket session
WsgiAnswer = Callable[[dict[str, Any], Any], Iterable[bytes]]

SHUTTING_DOWN = "This gateway is shutting down; try again."


class GatewayRequest(Request):
    """A request with what the gateway adds: the matched route's values (nameko's handlers read
    them) and the request's correlation id."""

    path_values: dict[str, Any]
    correlation_id: str


class Int64Converter(IntegerConverter):
    """``<int:…>`` in a path: up to 18 ASCII digits, so the value fits in 64 bits (werkzeug's own
    takes any Unicode digit and any size). Anything else does not match the path at all, which is a
    404 (a value refused after matching would be a 405 when the path has other methods)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)


class DeadlineProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol with a deadline for reading a request: the request line and headers
    must arrive within ``READ_TIMEOUT`` or the connection is closed; the body is read by the
    route (`gateway.bodies`) against the same deadline, found in the WSGI environ."""

    deadline = 0.0
    close_connection: bool | int  # eventlet's 1 and 0, http.server's True and False

    def _read_request_line(self) -> Any:
        self.deadline = time.monotonic() + READ_TIMEOUT
        with eventlet.Timeout(READ_TIMEOUT, False):
            return super()._read_request_line()
        self.close_connection = 1
        return ""

    def parse_request(self) -> bool:
        with eventlet.Timeout(max(0.0, self.deadline - time.monotonic()), False):
            return self.read_head()
        self.close_connection = 1
        return False

    def read_head(self) -> bool:
        """What ``http.server``'s ``parse_request`` does, reading the head with
        `gateway.request_head` (the 100-continue of ``Expect`` is eventlet's, when the body is
        read)."""
        self.command = None
        # not http.server's HTTP/0.9, whose answers have no status line: none is served here
        self.request_version = "HTTP/1.0"
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        try:
            line = read_request_line(self.requestline)
            self.command, self.request_version = line.method, line.version
            self.headers = read_headers(self.rfile)
        except BadHead as exc:
            self.send_error(exc.status, str(exc))
            return False
        self.path = "/" + line.target.lstrip("/") if line.target.startswith("//") else line.target
        connection = self.headers.get("Connection", "").lower()
        self.close_connection = connection == "close" or (
            line.number < (1, 1) and connection != "keep-alive"
        )
        return True

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        environ[READ_DEADLINE] = self.deadline
        environ[REQUEST_LINE] = self.requestline
        return environ


def has_nul(path: str, query: str) -> bool:
    """A NUL in the (decoded) path or the (raw) query: no database stores it in text."""
    return "\x00" in path or "\x00" in query or "%00" in query


def upgrades_to_websocket(environ: dict[str, Any]) -> bool:
    """The request asks for a websocket, as werkzeug's routing tells (a websocket rule matches
    only such a request)."""
    connection = environ.get("HTTP_CONNECTION", "").lower().split(",")
    return environ.get("HTTP_UPGRADE", "").lower() == "websocket" and any(
        token.strip(" \t") == "upgrade" for token in connection
    )


class GatewayApp(WsgiApp):
    def __init__(self, server: WebServer) -> None:
        super().__init__(server)
        self.matches = functools.lru_cache(maxsize=MATCHES_KEPT)(self._match)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        started = time.perf_counter()
        status, headers = "", []

        def start(status_line: str, response_headers: list[Any], exc_info: Any = None) -> Any:
            nonlocal status, headers
            status, headers = status_line, response_headers
            return start_response(status_line, response_headers, exc_info)

        body = self.answer(environ)(environ, start)
        log_request(environ, status, headers, started)
        return body

    def answer(self, environ: dict[str, Any]) -> WsgiAnswer:
        """The request's answer, as a WSGI application (a response, or a websocket session)."""
        path = environ.get("PATH_INFO", "")
        if path.rstrip("/") == LIVENESS_PATH:  # all a liveness probe needs: nothing to wait for
            return json_response({"status": "ok"})
        if self.server.stopping:  # requests already running finish; new ones go elsewhere
            response = (
                json_response(gateway_down(SHUTTING_DOWN)[1], 503)
                if path.rstrip("/") == HEALTH_PATH
                else error_response(ServiceUnavailable(SHUTTING_DOWN))
            )
            response.headers["Connection"] = "close"
            return response
        if has_nul(path, environ.get("QUERY_STRING", "")):
            return error_response(BadRequest("NUL characters are not allowed in the URL."))
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            environ["wsgi.input_terminated"] = True  # eventlet decodes and ends chunked input
        environ["PATH_INFO"] = canonical_path(path)
        if environ["PATH_INFO"].rstrip("/") == LOGIN_PATH:
            with LOGIN_GATE:
                return self.dispatch(environ)
        return self.dispatch(environ)

    def dispatch(self, environ: dict[str, Any]) -> WsgiAnswer:
        request = GatewayRequest(environ, shallow=True)
        answer: WsgiAnswer
        try:
            provider, values = self.match(environ)
            if getattr(provider, "quiet", False):  # a Route's; the room handshake's are not
                environ[QUIET] = True
            request.path_values = values
            answer = provider.handle_request(request)
        except HTTPException as exc:
            if exc.code in (301, 302, 307, 308):  # werkzeug's trailing-slash redirects
                answer = exc.get_response(environ)
            else:
                answer = error_response(exc)
        return answer

    def match(self, environ: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """The request's route and path values; an HTTPException when none matches (404, 405,
        or a redirect to the path with a trailing slash).

        werkzeug binds a request's host, scheme and query and runs its matcher on every request
        (~6 % of the gateway's CPU per progress report); with no host or subdomain rules a match
        depends only on the method, the path and whether it is a websocket, so the last
        ``MATCHES_KEPT`` of those are remembered. What does not match goes the whole way each
        time, so that a redirect names the request's own host and query."""
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "replace")  # as werkzeug
        match = self.matches if len(path) <= MATCHED_PATH_MAX else self._match
        try:
            provider, values = match(
                environ["REQUEST_METHOD"], path, upgrades_to_websocket(environ)
            )
        except HTTPException:
            provider, values = self.url_map.bind_to_environ(environ).match()
        return provider, dict(values)

    def _match(self, method: str, path: str, websocket: bool) -> tuple[Any, dict[str, Any]]:
        adapter = self.url_map.bind("gateway", url_scheme="ws" if websocket else "http")
        provider, values = adapter.match(path, method, websocket=websocket)
        return provider, values


#: new request ids: 32 hex digits, a random half per process and a count (a uuid4 per request,
#: a system call and an object, was ~1 % of the gateway's CPU per progress report)
_ID_PREFIX = os.urandom(8).hex()
_ids = itertools.count()


def correlation_id(request: Request) -> str:
    """The client's ``X-Request-Id`` when it is a sane token, else a new id."""
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.match(given) else f"{_ID_PREFIX}{next(_ids):016x}"


class GatewayServer(WebServer):
    """nameko's web server; ``stopping`` from the moment the service is told to stop. nameko keeps
    accepting until the running workers are done, so until then new requests get a 503.

    It listens only once the process consumes from every queue of its own: nameko starts all
    extensions at once, and a request served before the RPC reply queue exists would call a
    service whose reply nobody receives (a 503 after ``RPC_TIMEOUT_SECONDS``)."""

    stopping = False
    queue_consumer = QueueConsumer()  #: the process's one consumer (a shared extension)

    def start(self) -> None:
        self.queue_consumer.start()  # returns once every registered queue is consumed
        super().start()

    def get_wsgi_app(self) -> GatewayApp:
        return GatewayApp(self)

    def make_url_map(self) -> Map:
        url_map = Map(converters={"int": Int64Converter})
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map

    def context_data_from_headers(self, request: GatewayRequest) -> dict[str, str]:
        """Starts the correlation id that nameko then carries through every RPC and event (once
        per request: a progress route may ask again when it hands the request to a worker)."""
        if not hasattr(request, "correlation_id"):
            request.correlation_id = correlation_id(request)
        return {CORRELATION_ID: request.correlation_id}

    def get_wsgi_server(
        self, sock: Any, wsgi_app: Any, protocol: Any = DeadlineProtocol, debug: bool = False
    ) -> PlainHttpServer:
        # connections the kernel holds for the accept loop (eventlet's default, 50, drops the
        # SYNs of a crowd of websockets opening at once: each then waits a second to retry)
        sock.listen(LISTEN_BACKLOG)
        # no Nagle wait between an answer's head and body: accepted sockets inherit the option
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return PlainHttpServer(
            sock,
            sock.getsockname(),
            wsgi_app,
            protocol=protocol,
            debug=debug,
            log=access_log,  # eventlet's own lines (tracebacks, resets) go there too
            log_output=False,  # the application writes the access lines (`log_request`)
        )


class PlainHttpServer(wsgi.Server):
    """eventlet's WSGI server, for plain HTTP (TLS ends in front of the gateway). eventlet asks its
    socket on every request whether it speaks TLS, through the green socket's ``__getattr__``,
    which raises and catches an AttributeError each time (~2 % of the gateway's CPU per progress
    report); the answer, and the environ's keys that come from the server, are made once."""

    _environ: dict[str, Any] | None = None

    def get_environ(self) -> dict[str, Any]:
        if self._environ is None:
            self._environ = super().get_environ()
        return dict(self._environ)


class Route(HttpRequestHandler):
    """``@route("GET", "/users/me")``: a handler returns a Response, JSON-able data, or None (204)."""

    server = GatewayServer()
    #: the route's answered requests are logged at DEBUG (`gateway/access.py`)
    quiet = False

    def __init__(self, method: str, url: str, **kwargs: Any) -> None:
        kwargs.setdefault("expected_exceptions", SetlistError)
        super().__init__(method, url, **kwargs)
        self.fitting: set[frozenset[str]] = set()

    def check_signature(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """nameko's check (``inspect.getcallargs``, ~13 µs) once per set of path values: a
        route's path gives the same names on every request, and their values do not matter."""
        names = frozenset(kwargs)
        if names not in self.fitting:
            super().check_signature(args, kwargs)
            self.fitting.add(names)

    def stop(self) -> None:
        self.server.stopping = True
        super().stop()

    def handle_request(self, request: GatewayRequest) -> Response:
        response: Response = super().handle_request(request)
        response.headers["X-Request-Id"] = getattr(request, "correlation_id", "")
        return response

    def response_from_result(self, result: Any) -> Response:
        return as_response(result)

    def response_from_exception(self, exc: BaseException) -> Response:
        return error_response(exc)


class HealthRoute(Route):
    """``/health``: whatever fails before or in the handler, the answer is a health report."""

    def response_from_exception(self, exc: BaseException) -> Response:
        return json_response(gateway_down(f"{type(exc).__name__}")[1], 503)


route = Route.decorator
health_route = HealthRoute.decorator
