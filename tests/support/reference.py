"""The OpenAPI document (gateway/reference/openapi.yml) against the routes: the gateway's url_map
built as its web server builds it (no broker needed), paths in the shape routing sees them."""

from __future__ import annotations

import re

from nameko.containers import ServiceContainer
from werkzeug.routing import Map

from gateway import reference
from gateway.service import GatewayService

METHODS = {"get", "put", "post", "delete", "patch"}
PARAMETER = re.compile(r"<[^>]+>|\{[^}]+\}")
Operation = tuple[str, str]


def shape(path: str) -> str:
    """A path as routing sees it: in lower case (Jellyfin routes match in any case; pretix's
    paths are lower case already), each parameter as ``{}``."""
    return PARAMETER.sub("{}", path).lower()


def gateway_url_map() -> Map:
    container = ServiceContainer(GatewayService, {"AMQP_URI": "memory://"})
    servers = {}
    for entrypoint in container.entrypoints:
        server = getattr(entrypoint, "server", None)
        if server is not None and hasattr(entrypoint, "get_url_rule"):
            server.register_provider(entrypoint)
            servers[id(server)] = server
    (server,) = servers.values()
    url_map: Map = server.make_url_map()
    return url_map


def routed() -> set[Operation]:
    return {
        (method, shape(rule.rule))
        for rule in gateway_url_map().iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def operations() -> dict[Operation, tuple[str, dict]]:
    """(METHOD, shape) → (the document's path, the operation), for every operation."""
    return {
        (method.upper(), shape(path)): (path, operation)
        for path, item in reference.document("openapi")["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }
