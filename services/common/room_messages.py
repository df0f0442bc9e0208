"""The event room's outgoing messages (API.md §4), built from the events service's snapshots.

Shared by the realtime service (broadcasts after a change) and the gateway (the ``sync`` answer),
so that both speak the same bytes. Pure functions: no I/O, the clock is passed in.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

#: close codes: the token was revoked; no (more) access to the room; its event does not exist
#: (any more)
TOKEN_REVOKED = 4401
ACCESS_DENIED = 4403
EVENT_NOT_FOUND = 4404

EVENT_CHANGE_MESSAGE = "Someone change event data"
PLAYLIST_CHANGE_MESSAGES = {
    "add": "{username} add track {track_name} to playlist",
    "remove": "{username} remove track {track_name} from playlist",
}


def _parse(moment: str | None) -> datetime | None:
    return None if moment is None else datetime.fromisoformat(moment.replace("Z", "+00:00"))


def default_name(event: dict[str, Any]) -> str:
    """The event's name in its default locale (else any locale's, else "")."""
    names = event.get("name") or {}
    return names.get(event.get("default_locale", "en")) or next(iter(names.values()), "")


def room_event(event: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The music-room view of an event snapshot of the events service."""
    date_to = _parse(event.get("date_to"))
    return {
        "id": event["id"],
        "name": default_name(event),
        "access_type": "public" if event.get("is_public") else "private",
        "start_date": event.get("date_from"),
        "end_date": event.get("date_to"),
        "is_finished": date_to is not None and date_to < now,
        "author": event.get("author"),
        "playlist": event.get("playlist"),
    }


def event_changed(
    event: dict[str, Any], revision: int, now: datetime | None = None
) -> dict[str, Any]:
    return {
        "event": "event.changed",
        "payload": {
            "event": room_event(event, now or datetime.now(UTC)),
            "change_message": EVENT_CHANGE_MESSAGE,
            "revision": revision,
        },
    }


def change_message(change: dict[str, Any]) -> str:
    """``<username> add track <name> to playlist`` (or ``remove … from``)."""
    return PLAYLIST_CHANGE_MESSAGES[change["action"]].format(
        username=change["username"], track_name=change["track_name"]
    )


def playlist_changed(playlist: dict[str, Any], revision: int, message: str) -> dict[str, Any]:
    return {
        "event": "playlist.changed",
        "payload": {"playlist": playlist, "change_message": message, "revision": revision},
    }


def sync_messages(snapshot: dict[str, Any], now: datetime | None = None) -> list[dict[str, Any]]:
    """The answer to ``sync``: the room's current ``event.changed`` and ``playlist.changed``
    (the latter with an empty change message: nothing changed)."""
    revision = snapshot["revision"]
    return [
        event_changed(snapshot["event"], revision, now),
        playlist_changed(snapshot["playlist"], revision, ""),
    ]
