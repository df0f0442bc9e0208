"""The API reference (gateway/reference/) against the code: the OpenAPI document names every
route of the gateway and nothing that is not routed, and it validates; the AsyncAPI document's
frame schemas are valid JSON Schema; the docs page's assets are there."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from gateway import reference
from tests.support.reference import operations, routed


def documented() -> dict[tuple[str, str], dict]:
    """(METHOD, shape) → operation, for every operation the HTTP layer does not answer by itself
    before routing (``x-outside-url-map``)."""
    return {
        key: operation
        for key, (_, operation) in operations().items()
        if not operation.get("x-outside-url-map")
    }


def test_the_openapi_document_is_valid_openapi_3_1():
    document = reference.document("openapi")
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_route_is_documented():
    missing = routed() - set(documented())
    assert not missing, "routes missing from gateway/reference/openapi.yml:\n" + "\n".join(
        f"  {method} {path}" for method, path in sorted(missing)
    )


def test_every_documented_operation_is_routed():
    unrouted = sorted(set(documented()) - routed())
    assert not unrouted, "documented but not routed:\n" + "\n".join(
        f"  {method} {path}" for method, path in unrouted
    )


def test_every_operation_documents_the_400_of_a_nul_in_its_url():
    """gateway/http.py answers a NUL in the path or the query with 400 before routing, on every
    route but the liveness probe (schemathesis found it undocumented on the pretix lists)."""
    lacking = sorted(
        key
        for key, (_, operation) in operations().items()
        if "400" not in operation["responses"] and operation["operationId"] != "liveness"
    )
    assert not lacking, "no 400 documented:\n" + "\n".join(f"  {m} {p}" for m, p in lacking)


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
