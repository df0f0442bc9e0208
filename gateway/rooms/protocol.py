"""The event room's request protocol (API.md §4), without sockets: read one text frame into a
:class:`RoomRequest`, and turn every refusal into the message the sender gets.

- the event name may be dotted (``add.track``), snake (``add_track``) or camel (``addTrack``);
- the payload may be wrapped in a key named after the action (``{"addTrack": {...}}``) or bare;
- camelCase keys are read as snake_case;
- an optional top-level ``request_id`` is echoed on the sender's copy of the answer.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.common import errors

log = logging.getLogger(__name__)

ROLES = ("guest", "moderator", "administrator")
ENVELOPE_KEYS = ("event", "payload", "request_id")
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def invalid(name: str, why: str) -> RoomError:
    """A bad value: ``"invalid": <the field's name>, "detail": <why>`` (API.md §4)."""
    return RoomError("Payload signature wrong", invalid=name, detail=why)


class RoomError(Exception):
    """A refusal for the sender only: ``{"event": "error", "payload": {"error": {...}}}``."""

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra
        self.request_id: Any = None  # of the frame it refuses, once known

    def body(self) -> dict[str, Any]:
        return {"message": self.message, **self.extra}


class Crash(Exception):
    """Anything else: the "Something wrong" envelope with a short, internals-free text."""

    def __init__(self, short: str) -> None:
        super().__init__(short)
        self.short = short


def snake(name: str) -> str:
    """``add.track``, ``addTrack``, ``trackId`` → ``add_track``, ``add_track``, ``track_id``."""
    return CAMEL.sub("_", name).replace(".", "_").replace("-", "_").lower()


# field readers: each returns the value to pass on, or raises RoomError -------------------------
def _integer(name: str, value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, str))
        or (isinstance(value, str) and not value.strip().isdigit())
    ):
        raise invalid(name, "A valid integer is required.")
    return int(value)


def _text(name: str, value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise invalid(name, "Not a valid string.")
    return value


def _choice(*choices: str | None) -> Callable[[str, Any], Any]:
    def read(name: str, value: Any) -> Any:
        if value not in choices:
            raise invalid(name, f'"{value}" is not a valid choice.')
        return value

    return read


@dataclass(frozen=True)
class Action:
    required: dict[str, Callable[[str, Any], Any]] = field(default_factory=dict)
    optional: dict[str, Callable[[str, Any], Any]] = field(default_factory=dict)


ACTIONS: dict[str, Action] = {
    "change_event": Action(
        optional={"event_name": _text, "event_access_type": _choice(None, "", "public", "private")}
    ),
    "add_track": Action(required={"track_id": _integer}),
    "remove_track": Action(required={"track_id": _integer}),
    "invite_to_event": Action(required={"user_id": _integer}),
    "revoke_from_event": Action(required={"user_id": _integer}),
    "change_user_access_mode": Action(
        required={"user_id": _integer, "access_mode": _choice(*ROLES)}
    ),
    "sync": Action(),
}


@dataclass(frozen=True)
class RoomRequest:
    action: str
    fields: dict[str, Any]
    request_id: Any = None


def read_request_id(text: str | bytes) -> Any:
    """The frame's ``request_id`` if it can be read at all (to echo it on an error)."""
    try:
        frame = json.loads(text)
    except ValueError:
        return None
    return frame.get("request_id") if isinstance(frame, dict) else None


def _unwrap(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``{"addTrack": {...}}`` (or ``{"add_track": {...}}``) → ``{...}``; bare payloads as is."""
    if len(payload) == 1:
        ((key, inner),) = payload.items()
        if snake(key) == action and isinstance(inner, dict):
            return inner
    return payload


def parse_request(text: str | bytes) -> RoomRequest:
    """One frame → a request; RoomError for a refusal, Crash for what is not a request at all."""
    try:
        frame = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise Crash("Invalid JSON") from None
    if not isinstance(frame, dict):
        raise Crash("A message is a JSON object")
    try:
        return read_frame(frame)
    except RoomError as refused:
        refused.request_id = frame.get("request_id")
        raise


def read_frame(frame: dict[str, Any]) -> RoomRequest:
    name = frame.get("event")
    action = snake(name) if isinstance(name, str) else None
    if action not in ACTIONS:
        raise RoomError("Action not exist")
    for key in frame:
        if key not in ENVELOPE_KEYS:
            raise RoomError("Action signature wrong", unexpected=key)
    payload = frame.get("payload")
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise invalid("payload", "Expected an object.")
    return RoomRequest(
        action, read_fields(ACTIONS[action], _unwrap(action, payload)), frame.get("request_id")
    )


def read_fields(action: Action, payload: dict[str, Any]) -> dict[str, Any]:
    given = {snake(key): (key, value) for key, value in payload.items()}
    for name, (key, _) in given.items():
        if name not in action.required and name not in action.optional:
            raise RoomError("Action signature wrong", unexpected=key)
    fields = {}
    for name, read in action.required.items():
        if name not in given or given[name][1] is None:
            raise RoomError("Payload signature wrong", required=name)
        fields[name] = read(name, given[name][1])
    for name, read in action.optional.items():
        if name in given:
            fields[name] = read(name, given[name][1])
    return fields


# answers ------------------------------------------------------------------------------------
def with_request_id(message: dict[str, Any], request_id: Any) -> dict[str, Any]:
    return message if request_id is None else {**message, "request_id": request_id}


def error_message(error: RoomError, request_id: Any = None) -> dict[str, Any]:
    return with_request_id(
        {"event": "error", "payload": {"error": error.body()}},
        error.request_id if request_id is None else request_id,
    )


def crash_message(
    short: str, request_id: Any = None, exc: BaseException | None = None
) -> dict[str, Any]:
    """``{"error": "Something wrong", "error_message", "error_hash"}``; the hash is logged (with
    the traceback of `exc`) so that an operator finds the cause. The same fields also ride in the
    usual ``{"event": "error", "payload": {"error": {...}}}`` envelope."""
    error_hash = uuid.uuid4().hex[:12]
    log.error("room request failed %s: %s", error_hash, short, exc_info=exc)
    body = {"error": "Something wrong", "error_message": short, "error_hash": error_hash}
    envelope = {
        "event": "error",
        "payload": {
            "error": {
                "message": "Something wrong",
                "error_message": short,
                "error_hash": error_hash,
            }
        },
    }
    return with_request_id({**envelope, **body}, request_id)


def refusal(exc: errors.SetlistError) -> RoomError | None:
    """The sender's error for a Setlist error raised by the events service; None when it is no
    refusal (a service that is down is a crash)."""
    if isinstance(exc, errors.PermissionDenied):
        return RoomError("Access denied")
    if isinstance(exc, (errors.NotFound, errors.Conflict)):  # "Playlist is full"
        return RoomError(exc.detail)
    if isinstance(exc, errors.ValidationFailed):
        name, messages = next(iter(exc.fields.items()), ("payload", [exc.detail]))
        return invalid(name, messages[0])
    return None
