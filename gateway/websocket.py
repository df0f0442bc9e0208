"""The event room websocket (API.md §4) as nameko extensions of the gateway.

Transport: the route is served by the gateway's one web server (eventlet's WSGI server, the same
port as REST). For an upgrade request the WSGI green thread takes the socket over from eventlet
(``environ["eventlet.input"].get_socket()``, then ``WSGI_LOCAL.already_handled``) and runs a
``websockets.sync`` server connection on it: websockets does the RFC 6455 handshake checks, the
framing, ping/pong and the closing handshake; its threads are green threads under eventlet's
monkey patching. A request that is no valid upgrade gets websockets' own HTTP answer.

Per socket (:class:`RoomConnection`): the WSGI green thread reads requests one after the other
and runs each in a nameko worker (``@room_request``); a writer green thread drains a bounded
queue of outgoing frames, so a client that does not read fills only its own queue and is closed
with 1013 — nobody else in the room waits for it.

Per gateway (:class:`RoomHub`): the open sockets by room, and each room's revision order
(:class:`RoomOrder`): room messages can arrive out of order (several realtime instances,
concurrent workers), so one that arrives early waits briefly for the missing revision, and one
that arrives after a newer one was delivered is dropped. On stop every socket is closed with 1001.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable
from typing import Any, cast

import eventlet
from eventlet import wsgi
from eventlet.event import Event
from eventlet.queue import Full, Queue
from nameko.extensions import DependencyProvider, Entrypoint, ProviderCollector, SharedExtension
from nameko.standalone.events import event_dispatcher
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request as HandshakeRequest
from websockets.protocol import CLOSED, CONNECTING
from websockets.server import ServerProtocol
from websockets.sync.server import ServerConnection
from werkzeug.routing import Rule

from gateway import room_protocol
from gateway.credentials import read_credentials
from gateway.errors import error_response
from gateway.http import GatewayRequest, GatewayServer, correlation_id
from gateway.presence import PresenceTracker, member, requested_features
from gateway.responses import json_response
from services.common import config, errors
from services.common.logs import CORRELATION_ID
from services.common.metrics import gauge
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND, TOKEN_REVOKED
from services.common.tokens import hash_token

log = logging.getLogger(__name__)

OPEN_SOCKETS = gauge("open_websockets", "Open event-room websockets of this gateway process.")

#: frames queued for one socket before its client counts as too slow (close 1013)
SEND_QUEUE = config.WEBSOCKET_SEND_QUEUE.value()
#: seconds between server pings, and to wait for the pong, before giving a socket up
PING_INTERVAL = config.WEBSOCKET_PING_SECONDS.value()
#: seconds a closing handshake may take before the TCP connection is dropped
CLOSE_TIMEOUT = 10.0
MAX_FRAME = 64 * 1024
#: how long a room message that arrives ahead of a missing revision waits for it
REORDER_SECONDS = config.WEBSOCKET_REORDER_SECONDS.value()
#: snapshots a `sync` takes at most when each turns out older than a broadcast already sent
SYNC_ATTEMPTS = 3
#: request ids kept per socket until the broadcast their action caused comes back
PENDING_ECHOES = 64

#: open room sockets per user on this gateway process; the next handshake is HTTP 429
SOCKETS_PER_USER = config.ROOM_SOCKETS_PER_USER.value()
#: requests a socket may send: this many a second, in bursts of up to BURST (API.md §4)
REQUESTS_PER_SECOND = 20.0
BURST = 40

TRY_AGAIN_LATER = 1013
CLOSE_REASONS = {
    TOKEN_REVOKED: "Token revoked",
    ACCESS_DENIED: "Access denied",
    EVENT_NOT_FOUND: "Event not found",
    TRY_AGAIN_LATER: "Too slow to read",
    CloseCode.GOING_AWAY: "Server shutting down",
}


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode()


def call_worker(entrypoint: Entrypoint, args: tuple[Any, ...], context_data: dict[str, Any]) -> Any:
    """Run the entrypoint's method in a nameko worker and wait for its result (or exception)."""
    done = Event()

    def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        done.send(result, exc_info)
        return result, exc_info

    entrypoint.container.spawn_worker(
        entrypoint, args, {}, context_data=context_data, handle_result=handle_result
    )
    return done.wait()


class HijackedConnection(ServerConnection):
    """A websockets sync server connection on a socket whose HTTP request eventlet's WSGI server
    has already read: the 101 answer (from ``ServerProtocol.accept``) is sent here instead of by
    ``handshake()``."""

    def __init__(
        self, sock: Any, protocol: ServerProtocol, request: HandshakeRequest, response: Any
    ) -> None:
        super().__init__(
            sock,
            protocol,
            None,  # type: ignore[arg-type]  # no websockets Server: eventlet's WSGI server is
            ping_interval=PING_INTERVAL,
            ping_timeout=PING_INTERVAL,
            close_timeout=CLOSE_TIMEOUT,
        )
        # frames can only come after the 101, so the request is known before any is read
        self.request = request
        self.response = response
        with self.send_context(expected_state=CONNECTING):
            self.protocol.send_response(response)
            # the sans-I/O parser started out waiting for the HTTP request; restarted now that
            # the protocol is OPEN, it reads frames (ServerProtocol.parse skips the request)
            self.protocol.parser = self.protocol.parse()
            next(self.protocol.parser)
        self.start_keepalive()


class TokenBucket:
    """A socket's request budget: ``rate`` tokens a second up to ``burst``; a request takes one."""

    def __init__(
        self,
        rate: float = REQUESTS_PER_SECOND,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Closing:
    """In a socket's queue: close with `code` once what is ahead has been written."""

    def __init__(self, code: int) -> None:
        self.code = code


class RoomConnection:
    """One open socket in a room: who it is, its outgoing queue and its writer green thread."""

    def __init__(
        self,
        ws: HijackedConnection,
        room: int,
        principal: dict[str, Any],
        token_hash: str | None = None,
        role: str = "",
        features: frozenset[str] = frozenset(),
    ) -> None:
        self.ws = ws
        self.room = room
        self.principal = principal
        #: of the credentials it connected with (closed 4401 when revoked)
        self.token_hash = token_hash
        self.role = role
        self.features = features  #: what it asked for with ``?with=`` (presence, now_playing)
        self.user_id = principal.get("user_id")
        self.budget = TokenBucket()
        self.outbox: Queue = Queue(SEND_QUEUE)
        self.last_revision = 0
        self.echoes: OrderedDict[str, Any] = OrderedDict()
        self.closing = False
        self.writer = eventlet.spawn(self._write)

    def expect_echo(self, origin: str, request_id: Any) -> None:
        """The broadcast caused by request `origin` carries `request_id` on this socket's copy."""
        self.echoes[origin] = request_id
        while len(self.echoes) > PENDING_ECHOES:
            self.echoes.popitem(last=False)

    def take_echo(self, origin: str | None) -> Any:
        return self.echoes.pop(origin, None) if origin else None

    def send(self, message: dict[str, Any] | bytes, revision: int | None = None) -> bool:
        """Queue a frame (a message, or one already encoded). A room message (`revision` given)
        older than one already queued is dropped (False); a full queue closes the socket with
        1013."""
        if self.closing:
            return False
        if revision is not None:
            if revision < self.last_revision:
                return False
            self.last_revision = revision
        try:
            self.outbox.put_nowait(message if isinstance(message, bytes) else encode(message))
        except Full:
            log.warning("websocket in room %s too slow to read; closing it", self.room)
            self.close(TRY_AGAIN_LATER)
            return False
        return True

    def close(self, code: int) -> None:
        """Close with `code` after the frame being written; frames not yet written are dropped.
        A client that does not take the close frame in time loses the TCP connection."""
        if self.closing:
            return
        self.closing = True
        while not self.outbox.empty():
            self.outbox.get_nowait()
        self.outbox.put_nowait(Closing(code))
        eventlet.spawn_after(2 * CLOSE_TIMEOUT, self._abort)

    def _abort(self) -> None:
        if self.ws.state is not CLOSED:
            self.ws.close_socket()

    def _write(self) -> None:
        try:
            while True:
                item = self.outbox.get()
                if isinstance(item, Closing):
                    self.ws.close(item.code, CLOSE_REASONS.get(item.code, ""))
                    return
                self.ws.send(item, text=True)
        except (ConnectionClosed, OSError):
            return

    def finish(self) -> None:
        """After the socket is closed: stop the writer."""
        self.closing = True
        self.writer.kill()


class RoomOrder:
    """One room's revision order at this gateway. A message one revision after the last delivered
    (or the first one) goes out at once, followed by any held ones that now follow on; one
    further ahead waits up to ``REORDER_SECONDS`` for the gap to fill, then goes out anyway; one
    not newer than the last delivered is dropped (it would take a client back in time)."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self.send = send
        self.last = 0
        self.held: dict[int, dict[str, Any]] = {}
        self.timer: Any = None

    def arrived(self, message: dict[str, Any]) -> None:
        revision = message["revision"]
        if revision <= self.last or revision in self.held:
            return
        if self.last and revision > self.last + 1:
            self.held[revision] = message
            if self.timer is None:
                self.timer = eventlet.spawn_after(REORDER_SECONDS, self.flush)
            return
        self._deliver(message)
        while self.last + 1 in self.held:
            self._deliver(self.held.pop(self.last + 1))
        if not self.held:
            self.forget()

    def flush(self) -> None:
        """The gap did not fill in time: deliver what is held, in order."""
        self.timer = None
        for revision in sorted(self.held):
            self._deliver(self.held.pop(revision))

    def _deliver(self, message: dict[str, Any]) -> None:
        self.last = message["revision"]
        self.send(message)

    def forget(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class RoomHub(ProviderCollector, SharedExtension):
    """The gateway process's open sockets by room, and each room's revision order."""

    def __init__(self) -> None:
        super().__init__()
        self.rooms: dict[int, set[RoomConnection]] = defaultdict(set)
        self.order: dict[int, RoomOrder] = {}
        self.access_types: dict[int, str] = {}
        self.finished: dict[RoomConnection, Event] = {}
        self.sockets_per_user: Counter[Any] = Counter()  #: open and opening, by user id
        self.accepting = True
        self.request_entrypoint: Entrypoint | None = None
        self.presence = PresenceTracker()

    def register_provider(self, provider: Any) -> None:
        super().register_provider(provider)
        if isinstance(provider, RoomRequestEntrypoint):
            self.request_entrypoint = provider

    def add(self, connection: RoomConnection) -> None:
        self.rooms[connection.room].add(connection)
        self.finished[connection] = Event()
        OPEN_SOCKETS.inc()
        if connection.user_id is not None:
            self.presence.opened(connection.room, member(connection.principal, connection.role))

    def remove(self, connection: RoomConnection) -> None:
        room = self.rooms.get(connection.room)
        if room is not None:
            room.discard(connection)
            if not room:
                del self.rooms[connection.room]
                order = self.order.pop(connection.room, None)
                if order is not None:
                    order.forget()
                self.access_types.pop(connection.room, None)
        self.finished.pop(connection).send()
        OPEN_SOCKETS.dec()
        if connection.user_id is not None:
            self.presence.closed(connection.room, connection.user_id)

    def deliver_feature(self, message: dict[str, Any]) -> None:
        """A ``room_presence`` of the realtime service: its message, encoded once, to the room's
        sockets that asked for its feature (no revision: presence is not ordered with them)."""
        encoded = None
        for connection in list(self.rooms.get(message["room"], ())):
            if message["feature"] in connection.features:
                encoded = encoded or encode(message["message"])
                connection.send(encoded)

    def claim(self, user_id: Any) -> bool:
        """Count one more socket of the user, unless it has ``SOCKETS_PER_USER`` already."""
        if self.sockets_per_user[user_id] >= SOCKETS_PER_USER:
            return False
        self.sockets_per_user[user_id] += 1
        return True

    def release(self, user_id: Any) -> None:
        self.sockets_per_user[user_id] -= 1
        if self.sockets_per_user[user_id] <= 0:
            del self.sockets_per_user[user_id]

    def connections(self) -> list[RoomConnection]:
        return [connection for room in self.rooms.values() for connection in room]

    def close_tokens(self, token_hashes: list[str]) -> None:
        """Revoked tokens: their sockets close with 4401."""
        revoked = set(token_hashes)
        for connection in self.connections():
            if connection.token_hash in revoked:
                connection.close(TOKEN_REVOKED)

    def of_users(self, user_ids: list[Any]) -> list[RoomConnection]:
        """The open sockets of these users, in any room."""
        users = set(user_ids)
        return [connection for connection in self.connections() if connection.user_id in users]

    def deliver(self, message: dict[str, Any]) -> None:
        """A ``room_message`` of the realtime service: close whom it says to close, then queue
        its frame for every other socket in the room, in revision order (see :class:`RoomOrder`)."""
        room = message["room"]
        connections = self.rooms.get(room)
        if not connections:
            return
        close = message.get("close")
        if close:  # applied even when late: a revoked user must not keep listening
            for connection in list(connections):
                if close["user_id"] is None or connection.user_id == close["user_id"]:
                    connection.close(close["code"])
        if message.get("message") is not None:
            if room not in self.order:
                self.order[room] = RoomOrder(self._send_to_room)
            self.order[room].arrived(message)

    def turned_private(self, message: dict[str, Any]) -> list[RoomConnection]:
        """The room's sockets when `message` makes its event private (public before, or not known
        here): whoever was a guest only because it was public must lose the room."""
        body = message.get("message") or {}
        if body.get("event") != "event.changed" or message["room"] not in self.rooms:
            return []
        access_type = body["payload"]["event"]["access_type"]
        before = self.access_types.get(message["room"])
        self.access_types[message["room"]] = access_type
        if access_type != "private" or before == "private":
            return []
        return list(self.rooms[message["room"]])

    def _send_to_room(self, message: dict[str, Any]) -> None:
        """Encoded once for the room; the sender's copy again, with its request id."""
        body, origin, revision = message["message"], message.get("origin"), message["revision"]
        encoded = encode(body)
        for connection in list(self.rooms.get(message["room"], ())):
            request_id = connection.take_echo(origin)
            connection.send(
                encoded
                if request_id is None
                else encode(room_protocol.with_request_id(body, request_id)),
                revision,
            )

    def shut_down(self) -> None:
        """Refuse new sockets, close every open one with 1001 and wait (bounded) for them."""
        if not self.accepting:
            return
        self.accepting = False
        waiting = list(self.finished.values())
        for connections in list(self.rooms.values()):
            for connection in list(connections):
                connection.close(CloseCode.GOING_AWAY)
        with eventlet.Timeout(CLOSE_TIMEOUT, False):
            for finished in waiting:
                finished.wait()
        self.say_stopped()

    def say_stopped(self) -> None:
        """Tell realtime that this gateway's users leave their rooms now, rather than when its
        missing heartbeats time out (``PRESENCE_GATEWAY_TIMEOUT_SECONDS``)."""
        try:
            dispatch = event_dispatcher(self.container.config)
            dispatch("gateway", "presence_stopped", {"gateway": self.presence.gateway})
        except Exception as exc:  # the broker may be why we stop: the timeout covers it
            log.warning("could not announce this gateway's presence stop: %r", exc)

    def stop(self) -> None:
        self.shut_down()
        super().stop()


class Rooms(DependencyProvider):
    """``rooms = Rooms()`` on the gateway: the process's :class:`RoomHub`."""

    hub = RoomHub()

    def get_dependency(self, worker_ctx: Any) -> RoomHub:
        return self.hub


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


class RoomSession:
    """The WSGI answer to a websocket route: the upgrade, then the socket's whole life."""

    def __init__(
        self,
        hub: RoomHub,
        room: int,
        principal: dict[str, Any],
        refusal: int | None,
        token_hash: str | None,
        role: str = "",
    ) -> None:
        self.hub = hub
        self.room = room
        self.principal = principal
        self.refusal = refusal
        self.token_hash = token_hash
        self.role = role

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The socket's life; the slot :meth:`RoomHub.claim` counted is released at its end."""
        try:
            return self.serve(environ, start_response)
        finally:
            if self.refusal is None:
                self.hub.release(self.principal.get("user_id"))

    def serve(self, environ: dict[str, Any], start_response: Any) -> Any:
        protocol = ServerProtocol(max_size=MAX_FRAME)
        request = handshake_request(environ)
        response = protocol.accept(request)
        if response.status_code != 101:  # no valid upgrade: websockets' own answer
            start_response(
                f"{response.status_code} {response.reason_phrase}",
                list(response.headers.raw_items()),
            )
            return [response.body]
        wsgi.WSGI_LOCAL.already_handled = True
        ws = HijackedConnection(environ["eventlet.input"].get_socket(), protocol, request, response)
        if self.refusal is not None:
            ws.close(self.refusal, CLOSE_REASONS[self.refusal])
            return []
        connection = RoomConnection(
            ws,
            self.room,
            self.principal,
            self.token_hash,
            self.role,
            requested_features(environ.get("QUERY_STRING", "")),
        )
        self.hub.add(connection)
        try:
            while True:
                self.answer(connection, ws.recv())
        except ConnectionClosed:
            pass
        finally:
            self.hub.remove(connection)
            connection.finish()
        return []

    def answer(self, connection: RoomConnection, frame: str | bytes) -> None:
        """Run one request; its refusals, crashes and ``sync`` frames go to this socket only.
        A successful change is answered by its broadcast, which carries the ``request_id``."""
        request_id = None
        origin = uuid.uuid4().hex
        if not connection.budget.take():
            connection.send(
                room_protocol.error_message(
                    room_protocol.RoomError("Too many requests"),
                    room_protocol.read_request_id(frame),
                )
            )
            return
        try:
            request = room_protocol.parse_request(frame)
            request_id = request.request_id
            if request_id is not None:
                connection.expect_echo(origin, request_id)
            entrypoint = self.hub.request_entrypoint
            assert entrypoint is not None, "the gateway has no @room_request method"
            for _ in range(SYNC_ATTEMPTS):
                frames = call_worker(
                    entrypoint,
                    (
                        self.principal,
                        self.room,
                        request.action,
                        request.fields,
                        connection.features,
                    ),
                    {CORRELATION_ID: origin},
                )
                if (
                    all(
                        connection.send(
                            room_protocol.with_request_id(message, request_id),
                            message["payload"].get("revision"),
                        )
                        for message in frames
                    )
                    or connection.closing
                ):
                    return
                # a `sync` snapshot older than a broadcast already queued here: take a newer one
            return
        except room_protocol.RoomError as invalid:
            reply = room_protocol.error_message(invalid, request_id)
        except room_protocol.Crash as crash:
            reply = room_protocol.crash_message(crash.short, room_protocol.read_request_id(frame))
        except errors.SetlistError as exc:
            refused = room_protocol.refusal(exc)
            reply = (
                room_protocol.error_message(refused, request_id)
                if refused
                else room_protocol.crash_message(exc.detail, request_id)
            )
        except Exception as exc:
            reply = room_protocol.crash_message("Internal error", request_id, exc)
        connection.take_echo(origin)
        connection.send(reply)


def handshake_request(environ: dict[str, Any]) -> HandshakeRequest:
    """The upgrade request as websockets sees it, rebuilt from the WSGI environ."""
    headers = Headers()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").title()] = value
    query = environ.get("QUERY_STRING")
    path = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
    return HandshakeRequest(path, headers)


room_join = RoomJoinEntrypoint.decorator
room_request = RoomRequestEntrypoint.decorator
