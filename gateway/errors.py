"""The single place where errors become HTTP responses.

Every Setlist error maps to one status by its class; the body is pretix's: the field errors of a
validation failure, ``{"detail": ...}`` for everything else. Anything unexpected is a 500 with an
error id that is also logged with the traceback — never the traceback itself.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from gateway.responses import json_response
from services.common import errors
from services.common.transport import is_transport_failure

log = logging.getLogger(__name__)

STATUS: dict[type[errors.SetlistError], int] = {
    errors.NotAuthenticated: 401,
    errors.AuthenticationFailed: 401,
    errors.PermissionDenied: 403,
    errors.NotFound: 404,
    errors.ValidationFailed: 400,
    errors.BadRequest: 400,
    errors.Conflict: 409,
    errors.PayloadTooLarge: 413,
    errors.UnsupportedMediaType: 415,
    errors.ServiceUnavailable: 503,
}

HTTP_DETAIL = {404: "Not found.", 405: "Method not allowed."}


def error_body(exc: errors.SetlistError) -> dict[str, Any]:
    if exc.fields:
        return exc.fields
    return {"detail": exc.detail, **exc.extra}


def error_response(exc: BaseException) -> Response:
    if isinstance(exc, errors.SetlistError):
        return json_response(error_body(exc), STATUS.get(type(exc), 400))
    if isinstance(exc, HTTPException):
        detail = HTTP_DETAIL.get(exc.code or 500, exc.description)
        return json_response({"detail": detail}, exc.code or 500)
    if is_transport_failure(exc):
        log.warning("service unavailable: %s: %s", type(exc).__name__, exc)
        return json_response({"detail": errors.ServiceUnavailable.default_detail}, 503)
    error_id = uuid.uuid4().hex[:12]
    log.error("unexpected error %s", error_id, exc_info=exc)
    return json_response({"detail": "Internal server error.", "error_id": error_id}, 500)
