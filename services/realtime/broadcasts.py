"""What each domain event of the events service means for its room (API.md §4): the
``room_message`` every gateway receives, with the message to deliver and the sockets to close.

A room message is ``{"room": <event id>, "revision": <event revision>, "origin": <correlation id
of the request that caused it>, "message": <room message or None>, "close": None or
{"code": 4403 | 4404, "user_id": <user whose sockets close, or None for everyone>}}``.
"""

from __future__ import annotations

from typing import Any

from services.common import room_messages
from services.common.room_messages import ACCESS_DENIED, EVENT_NOT_FOUND
from services.realtime.presence import Message, RoomState


def room_message(
    payload: dict[str, Any], origin: str | None, message: dict | None, close: dict | None = None
) -> dict[str, Any]:
    return {
        "room": payload["event_id"],
        "revision": payload["revision"],
        "origin": origin,
        "message": message,
        "close": close,
    }


def playlist_changed(payload: dict[str, Any], origin: str | None) -> dict[str, Any]:
    return room_message(
        payload,
        origin,
        room_messages.playlist_changed(
            payload["playlist"],
            payload["revision"],
            room_messages.change_message(payload["change"]),
        ),
    )


def event_changed(payload: dict[str, Any], origin: str | None) -> dict[str, Any]:
    return room_message(
        payload, origin, room_messages.event_changed(payload["event"], payload["revision"])
    )


def access_changed(payload: dict[str, Any], origin: str | None) -> dict[str, Any]:
    """``event.changed`` for the room; a revocation (no mode left) also closes that user's
    sockets in the room with 4403."""
    close = (
        None
        if payload.get("access_mode") is not None
        else {"code": ACCESS_DENIED, "user_id": payload["user_id"]}
    )
    return {**event_changed(payload, origin), "close": close}


def event_deleted(payload: dict[str, Any], origin: str | None) -> dict[str, Any]:
    return room_message(payload, origin, None, {"code": EVENT_NOT_FOUND, "user_id": None})


# presence and now playing -----------------------------------------------------------------------
def apply_presence_changes(state: RoomState, payload: dict[str, Any], now: float) -> None:
    """A gateway's ``presence_changes``: ``{"gateway", "changes": [{"room", "joined": member} or
    {"room", "left": user id}, each with its ``seq``]}``, in the order they happened."""
    gateway = payload["gateway"]
    for change in payload["changes"]:
        seq = change.get("seq")
        if "joined" in change:
            state.joined(gateway, change["room"], change["joined"], now, seq)
        else:
            state.left(gateway, change["room"], change["left"], now, seq)


def apply_heartbeat(state: RoomState, payload: dict[str, Any], now: float) -> None:
    """A gateway's ``presence_heartbeat``: ``{"gateway", "rooms": {room: [member, …]}, "seq"}``
    (room ids arrive as strings: JSON object keys)."""
    rooms = {int(room): members for room, members in payload["rooms"].items()}
    state.heartbeat(payload["gateway"], rooms, now, payload.get("seq"))


def room_presence(room: int, feature: str, message: Message) -> dict[str, Any]:
    """What every gateway delivers to its sockets in `room` that asked for `feature`."""
    return {"room": room, "feature": feature, "message": message}
