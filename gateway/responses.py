"""JSON responses, encoded by orjson (UTF-8, as ``json.dumps(ensure_ascii=False)`` was, at a
fraction of its CPU: every answer of the hot routes goes through here)."""

from __future__ import annotations

from typing import Any

import orjson
from werkzeug.wrappers import Response

JSON = "application/json"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        mimetype=JSON,
        headers=headers,
    )


def no_content() -> Response:
    return Response(status=204)
