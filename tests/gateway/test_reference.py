"""The API reference (gateway/reference/) against the code: the OpenAPI document names every
route of the gateway and nothing that is not routed, and it validates; the AsyncAPI document's
frame schemas are valid JSON Schema; the docs page's assets are there."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from nameko.containers import ServiceContainer
from openapi_spec_validator import validate
from werkzeug.routing import Map

from gateway import reference
from gateway.service import GatewayService

METHODS = {"get", "put", "post", "delete", "patch"}
PARAMETER = re.compile(r"<[^>]+>|\{[^}]+\}")


def shape(path: str) -> str:
    """A path as routing sees it: in lower case (Jellyfin routes match in any case; pretix's
    paths are lower case already), each parameter as ``{}``."""
    return PARAMETER.sub("{}", path).lower()


def gateway_url_map() -> Map:
    """The gateway's werkzeug url_map, as its web server builds it (no broker needed)."""
    container = ServiceContainer(GatewayService, {"AMQP_URI": "memory://"})
    servers = {}
    for entrypoint in container.entrypoints:
        server = getattr(entrypoint, "server", None)
        if server is not None and hasattr(entrypoint, "get_url_rule"):
            server.register_provider(entrypoint)
            servers[id(server)] = server
    (server,) = servers.values()
    return server.make_url_map()


def routed() -> set[tuple[str, str]]:
    return {(method, shape(rule.rule)) for rule in gateway_url_map().iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}


def documented() -> dict[tuple[str, str], dict]:
    """(METHOD, shape) → the operation, for every operation the HTTP layer does not answer by
    itself before routing (``x-outside-url-map``)."""
    return {(method.upper(), shape(path)): operation
            for path, item in reference.document("openapi")["paths"].items()
            for method, operation in item.items()
            if method in METHODS and not operation.get("x-outside-url-map")}


def test_the_openapi_document_is_valid_openapi_3_1():
    document = reference.document("openapi")
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented():
    missing = routed() - set(documented())
    assert not missing, "routes missing from gateway/reference/openapi.yml:\n" + "\n".join(
        f"  {method} {path}" for method, path in sorted(missing))


def test_every_documented_operation_is_routed():
    """Operations another branch adds (``x-added-by``) are listed as expected failures until
    that branch is merged; any other unrouted operation fails."""
    unrouted = {key: op for key, op in documented().items() if key not in routed()}
    own = sorted(key for key, op in unrouted.items() if "x-added-by" not in op)
    assert not own, "documented but not routed:\n" + "\n".join(f"  {m} {p}" for m, p in own)
    pending = sorted((op["x-added-by"], key) for key, op in unrouted.items())
    if pending:
        pytest.xfail("not routed until their branch is merged:\n" + "\n".join(
            f"  {m} {p} (branch {branch})" for branch, (m, p) in pending))


def test_operation_ids_are_unique():
    ids = [op["operationId"] for op in documented().values()]
    assert len(ids) == len(set(ids))


def test_every_frame_schema_is_valid_json_schema():
    for name in reference.document("asyncapi")["components"]["schemas"]:
        Draft202012Validator.check_schema(reference.frame_schema(name))


def test_every_message_of_the_asyncapi_document_resolves():
    document = reference.document("asyncapi")
    schemas = document["components"]["schemas"]
    for name, message in document["components"]["messages"].items():
        target = message["payload"]["$ref"].rsplit("/", 1)[-1]
        assert target in schemas, name
    for operation in document["operations"].values():
        for ref in operation["messages"]:
            assert ref["$ref"].rsplit("/", 1)[-1] in document["channels"]["room"]["messages"]


def test_the_docs_page_has_its_assets():
    for name in reference.ASSETS:
        content, mimetype = reference.asset(name)  # type: ignore[misc]
        assert content and mimetype.startswith("text/")
    assert reference.asset("../service.py") is None
