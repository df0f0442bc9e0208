"""The API reference over HTTP: ``/openapi.json``, ``/asyncapi.json`` and the ``/docs`` page that
renders the first for people, with its assets (`gateway/reference/`). No authentication."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from gateway import reference
from gateway.http import route
from gateway.responses import json_response
from services.common.errors import NotFound

#: the page's scripts and style come from the gateway only; Swagger UI sets inline styles and
#: shows its logo as a data: image
DOCS_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


class ReferenceRoutes:
    """Mixin of the gateway service: the API documents and their page."""

    @route("GET", "/openapi.json")
    def openapi_document(self, request: Request) -> Any:
        return json_response(reference.served("openapi", request.host_url.rstrip("/")))

    @route("GET", "/asyncapi.json")
    def asyncapi_document(self, request: Request) -> Any:
        return json_response(reference.served("asyncapi", request.host_url.rstrip("/")))

    @route("GET", "/docs")
    def docs_page(self, request: Request) -> Any:
        return Response(reference.docs_page(), mimetype="text/html", headers=DOCS_HEADERS)

    @route("GET", "/docs/<asset>")
    def docs_asset(self, request: Request, asset: str) -> Any:
        found = reference.asset(asset)
        if found is None:
            raise NotFound()
        content, mimetype = found
        return Response(
            content, mimetype=mimetype, headers={**DOCS_HEADERS, "Cache-Control": "max-age=3600"}
        )
