"""Taking an upgrade request's socket over from eventlet's WSGI server.

The route is served by the gateway's one web server (same port as REST), so eventlet has parsed
the HTTP request already: the handshake is checked and answered by websockets' sans-I/O
``ServerProtocol`` from the WSGI environ. The socket's file descriptor is then detached from
eventlet's connection object, so that the WSGI green thread can return at once: eventlet closes
and frees its connection (its read and write buffers, the environ, the green thread) without
touching the descriptor, which lives on in a plain socket of our own.
"""

from __future__ import annotations

import socket
from typing import Any

from eventlet import patcher, wsgi
from websockets.datastructures import Headers
from websockets.http11 import Request as HandshakeRequest

#: the socket module as it was before eventlet's monkey patching: a plain non-blocking socket
#: whose every wait the connection does itself, through eventlet's hub
plain_socket: Any = patcher.original("socket")


def handshake_request(environ: dict[str, Any]) -> HandshakeRequest:
    """The upgrade request as websockets sees it, rebuilt from the WSGI environ."""
    headers = Headers()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").title()] = value
    query = environ.get("QUERY_STRING")
    path = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
    return HandshakeRequest(path, headers)


def take_over(environ: dict[str, Any]) -> socket.socket:
    """The request's socket, non-blocking, now ours alone. Eventlet's WSGI server writes nothing
    more once the application returns (``already_handled``) and its close and shutdown find no
    descriptor left (EBADF, which it ignores)."""
    connection = environ["eventlet.input"].get_socket()
    descriptor = connection.fd.detach()
    wsgi.WSGI_LOCAL.already_handled = True
    taken: socket.socket = plain_socket.socket(fileno=descriptor)
    taken.setblocking(False)
    return taken
