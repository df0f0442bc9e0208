"""JSON responses."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response

JSON = "application/json"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, mimetype=JSON,
                    headers=headers)


def no_content() -> Response:
    return Response(status=204)
