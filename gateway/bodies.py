"""Reading request bodies and query parameters, with the errors pretix and Jellyfin clients expect."""

from __future__ import annotations

import json
import time
from typing import Any

import eventlet
from werkzeug.wrappers import Request

from services.common.errors import (
    BadRequest,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    ValidationFailed,
)

MAX_BODY_BYTES = 1024 * 1024
#: JSON nested deeper than this is refused (API.md §1 "Limits")
MAX_JSON_DEPTH = 64
INT64 = (-(2**63), 2**63 - 1)
#: where the gateway's HTTP protocol leaves the moment the request must be complete by
READ_DEADLINE = "setlist.read_deadline"


def read_body(request: Request) -> bytes:
    """The body, at most 1 MiB (413 beyond), with Content-Length or chunked alike, read before
    the request's read deadline (408 after it)."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    deadline = request.environ.get(READ_DEADLINE)
    seconds = None if deadline is None else max(0.0, deadline - time.monotonic())
    try:
        with eventlet.Timeout(seconds):
            data = request.stream.read(MAX_BODY_BYTES + 1)
    except eventlet.Timeout:
        raise RequestTimeout() from None
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_values(value: Any) -> None:
    """What Python's json accepts but no field may hold: nesting deeper than 64 levels, integers
    beyond 64 bits, non-finite numbers, strings (and keys) with lone surrogates or NULs."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise BadRequest(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels")
            children = list(item.keys()) + list(item.values()) if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("JSON parse error - a string holds a lone surrogate") from None
            if "\x00" in item:
                raise BadRequest("JSON parse error - a string holds a NUL character")
        elif isinstance(item, int) and not isinstance(item, bool):
            if not INT64[0] <= item <= INT64[1]:
                raise BadRequest("JSON parse error - a number beyond 64 bits")
        elif isinstance(item, float) and item - item != 0:
            raise BadRequest("JSON parse error - a number beyond 64 bits")


def _parse(data: bytes) -> Any:
    try:
        parsed = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(f"JSON parse error - {exc}") from None
    except RecursionError:
        raise BadRequest(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels") from None
    _check_values(parsed)
    return parsed


def json_object(request: Request) -> dict[str, Any]:
    """A pretix-style body: JSON only (415 otherwise), an object (400 otherwise); empty means {}."""
    data = read_body(request)
    if not data.strip():
        return {}
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise UnsupportedMediaType(f'Unsupported media type "{request.mimetype}" in request.')
    body = _parse(data)
    if not isinstance(body, dict):
        kind = {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
            type(body), "null"
        )
        raise ValidationFailed(
            fields={"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return body


def lower_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Jellyfin reads JSON keys and query names in any case: index them lower-cased."""
    return {str(key).lower(): value for key, value in data.items()}


def jellyfin_object(request: Request) -> dict[str, Any]:
    """A Jellyfin body: any content type, keys in any case; an empty body is {}."""
    data = read_body(request)
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
