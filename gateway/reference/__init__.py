"""The API reference: the OpenAPI 3.1 document of every HTTP route (``openapi.yml``) and the
AsyncAPI 3 document of the event room websocket (``asyncapi.yml``), read once per process, and the
page that renders them for people (Swagger UI from the pinned ``swagger-ui-py`` package — nothing
from a CDN). tests/gateway/test_reference.py holds the documents against the gateway's routes."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import swagger_ui
import yaml

HERE = resources.files("gateway.reference")
#: Swagger UI's built files, as the swagger-ui-py wheel ships them
SWAGGER_UI = Path(swagger_ui.__file__).parent / "static"
#: the docs page's assets: name → (where, content type)
ASSETS = {
    "docs.js": (HERE.joinpath("docs.js"), "text/javascript"),
    "swagger-ui-bundle.js": (SWAGGER_UI / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (SWAGGER_UI / "swagger-ui.css", "text/css"),
}


@functools.cache
def document(name: str) -> dict[str, Any]:
    """``openapi`` or ``asyncapi``: the document as data (YAML anchors resolved)."""
    loaded: dict[str, Any] = yaml.safe_load(HERE.joinpath(f"{name}.yml").read_text("utf-8"))
    return loaded


def served(name: str, base_url: str) -> dict[str, Any]:
    """The document as a client fetches it: its server is the gateway that answers."""
    body = dict(document(name))
    if name == "openapi":
        body["servers"] = [{"url": base_url}]
    else:
        host = base_url.split("://", 1)[-1]
        body["servers"] = {
            key: {**server, "host": host} for key, server in body.get("servers", {}).items()
        }
    return body


def docs_page() -> bytes:
    return HERE.joinpath("docs.html").read_bytes()


def asset(name: str) -> tuple[bytes, str] | None:
    """An asset of the docs page and its content type; None for any other name."""
    found = ASSETS.get(name)
    if found is None:
        return None
    where, mimetype = found
    return where.read_bytes(), mimetype


def frame_schema(name: str) -> dict[str, Any]:
    """A JSON Schema (2020-12) of one of the room's frames (``ServerFrame`` for any frame the
    server sends), with the AsyncAPI document's ``#/components/schemas/…`` references resolvable."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": f"#/components/schemas/{name}",
        "components": document("asyncapi")["components"],
    }
