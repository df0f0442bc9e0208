"""The one error hierarchy of Setlist.

Services raise these; nameko carries them over RPC and rebuilds the same class on the caller's side
(each is registered with :func:`nameko.exceptions.deserialize_to_instance`), so the gateway can map
every one to a single HTTP status and body in `gateway/errors.py`. The ``code`` of each class is stable:
clients and logs may rely on it.

Constructor arguments must stay positional and JSON-serialisable: nameko rebuilds an error as
``cls(*exc.args)``.
"""

from __future__ import annotations

from typing import Any

from nameko.exceptions import deserialize_to_instance

FieldErrors = dict[str, list[str]]


class SetlistError(Exception):
    """Base of every error a client may see. ``detail`` is a human sentence, safe to show."""

    code = "error"
    default_detail = "The request could not be completed."

    def __init__(
        self,
        detail: str | None = None,
        fields: FieldErrors | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        detail = detail or self.default_detail
        fields, extra = fields or {}, extra or {}
        # nameko sends args over RPC and stringifies None, so only dicts and strings go in
        super().__init__(detail, fields, extra)
        self.detail = detail
        self.fields = fields
        self.extra = extra

    def __str__(self) -> str:
        return f"{self.code}: {self.fields or self.detail}"


#: every error class by its code (:func:`from_data`)
BY_CODE: dict[str, type[SetlistError]] = {}


def _registered(cls: type[SetlistError]) -> type[SetlistError]:
    registered: type[SetlistError] = deserialize_to_instance(cls)
    BY_CODE[cls.code] = registered
    return registered


def as_data(exc: SetlistError) -> dict[str, Any]:
    """An error as JSON, for an answer that holds several outcomes (one report of a batch call)."""
    return {"code": exc.code, "detail": exc.detail, "fields": exc.fields, "extra": exc.extra}


def from_data(data: dict[str, Any]) -> SetlistError:
    """The error :func:`as_data` described: the same class, detail, fields and extra."""
    return BY_CODE.get(data["code"], SetlistError)(data["detail"], data["fields"], data["extra"])


@_registered
class NotAuthenticated(SetlistError):
    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."


@_registered
class AuthenticationFailed(SetlistError):
    code = "authentication_failed"
    default_detail = "Invalid token."


@_registered
class PermissionDenied(SetlistError):
    code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


@_registered
class NotFound(SetlistError):
    code = "not_found"
    default_detail = "Not found."


@_registered
class ValidationFailed(SetlistError):
    """Input that breaks a rule; ``fields`` maps each field to its messages (pretix's 400 body)."""

    code = "invalid"
    default_detail = "Invalid input."


@_registered
class BadRequest(SetlistError):
    """Input that cannot be read at all (malformed JSON, a bad GUID); ``detail`` says why."""

    code = "bad_request"
    default_detail = "Malformed request."


@_registered
class Conflict(SetlistError):
    code = "conflict"
    default_detail = "The request conflicts with the current state."


@_registered
class UnsupportedMediaType(SetlistError):
    code = "unsupported_media_type"
    default_detail = "Unsupported media type in request."


@_registered
class PayloadTooLarge(SetlistError):
    code = "payload_too_large"
    default_detail = "Request body too large."


@_registered
class RequestTimeout(SetlistError):
    """The client did not send its whole request in time (API.md §1 "Limits")."""

    code = "request_timeout"
    default_detail = "The request was not sent in time."


@_registered
class TooManyRequests(SetlistError):
    """Throttled; ``extra["retry_after"]`` holds the seconds to wait (the gateway's Retry-After
    header, not part of the body)."""

    code = "throttled"
    default_detail = "Too many requests; try again later."


@_registered
class ServiceUnavailable(SetlistError):
    code = "unavailable"
    default_detail = "A service needed for this request is unavailable."


def field_error(field: str, message: str) -> ValidationFailed:
    """The common case of a single message on a single field."""
    return ValidationFailed(fields={field: [message]})


def too_long(limit: int) -> str:
    """Django REST framework's message for a string longer than its field allows."""
    return f"Ensure this field has no more than {limit} characters."
