"""The live event-room page: ``/rooms/<event_id>`` (HTML) and ``/rooms/room.js``. Both are static;
the token travels in the URL fragment, which the browser keeps to itself, and the page's script
authenticates on the websocket (API.md §4) with ``?token=``."""

from __future__ import annotations

from importlib import resources
from typing import Any

from werkzeug.wrappers import Request, Response

from gateway.http import route
from gateway.routes.base import RouteBase

PAGES = resources.files("gateway.pages")
#: the page loads only its own script and talks only to its own origin (websocket included)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def page_file(name: str, mimetype: str) -> Response:
    return Response(PAGES.joinpath(name).read_bytes(), mimetype=mimetype, headers=SECURITY_HEADERS)


class PageRoutes(RouteBase):
    """Mixin of the gateway service: the live event-room page."""

    @route("GET", "/rooms/<int:event_id>")
    def room_page(self, request: Request, event_id: int) -> Any:
        return page_file("room.html", "text/html")

    @route("GET", "/rooms/room.js")
    def room_script(self, request: Request) -> Any:
        return page_file("room.js", "text/javascript")
