"""Reading request bodies and query parameters, with the errors pretix and Jellyfin clients expect."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from services.common.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType, ValidationFailed

MAX_BODY_BYTES = 1024 * 1024


def _raw(request: Request) -> bytes:
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    data = request.stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    return data


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"JSON parse error - {exc}") from None


def json_object(request: Request) -> dict[str, Any]:
    """A pretix-style body: JSON only (415 otherwise), an object (400 otherwise); empty means {}."""
    data = _raw(request)
    if not data.strip():
        return {}
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType(f'Unsupported media type "{request.mimetype}" in request.')
    body = _parse(data)
    if not isinstance(body, dict):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(body), "null")
        raise ValidationFailed(fields={"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {kind}."]})
    return body


def lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Jellyfin reads JSON keys and query names in any case: index them lower-cased."""
    return {str(key).lower(): value for key, value in data.items()}


def jellyfin_object(request: Request) -> dict[str, Any]:
    """A Jellyfin body: any content type, keys in any case; an empty body is {}."""
    data = _raw(request)
    if not data.strip():
        return {}
    body = _parse(data)
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return lower_keys(body)


def jellyfin_query(request: Request) -> dict[str, str]:
    return lower_keys(request.args.to_dict())


def jellyfin_lists(request: Request) -> dict[str, list[str]]:
    """Every query value by lower-cased name: repeated names and the SDK's indexed form
    (``mediaTypes[0]=Audio&mediaTypes[1]=Video``) gathered into one list."""
    lists: dict[str, list[str]] = {}
    for name, value in request.args.items(multi=True):
        key = name.lower()
        if key.endswith("]") and "[" in key:
            key = key[: key.index("[")]
        lists.setdefault(key, []).append(value)
    return lists
