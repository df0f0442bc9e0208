"""The track catalogue: create, list, look up by integer id or GUID."""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.common.errors import NotFound, ValidationFailed, too_long
from services.events.models import Track

#: name and artist (API.md §1 "Limits")
MAX_TEXT = 200
#: seconds; the column is a 32-bit integer, as are track ids
MAX_DURATION = MAX_ID = 2**31 - 1


def track_view(track: Track) -> dict[str, Any]:
    return {"id": track.id, "uuid": track.uuid, "name": track.name, "artist": track.artist,
            "duration": track.duration, "resumable": track.resumable}


def find_track(session: Session, ref: int | str) -> Track:
    """A track by integer id (or its decimal string) or GUID (32 hex or dashed)."""
    track: Track | None = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        track = session.get(Track, ref)
    elif isinstance(ref, str) and ref.isascii() and ref.isdigit():
        track = session.get(Track, int(ref)) if len(ref) <= 10 and int(ref) <= MAX_ID else None
    elif isinstance(ref, str):
        try:
            key = uuidlib.UUID(ref).hex
        except ValueError:
            key = None
        if key is not None:
            track = session.scalars(select(Track).where(Track.uuid == key)).first()
    if track is None:
        raise NotFound("Track not found")
    return track


def _text(body: dict[str, Any], field: str, errors: dict[str, list[str]],
          required: bool) -> str:
    value = body.get(field)
    if value is None or value == "":
        if required:
            errors[field] = ["This field is required."]
        return ""
    if not isinstance(value, str):
        errors[field] = ["Not a valid string."]
    elif len(value) > MAX_TEXT:
        errors[field] = [too_long(MAX_TEXT)]
    return value if isinstance(value, str) else ""


def create_track(session: Session, body: dict[str, Any]) -> Track:
    """Validate a catalogue entry (name required; duration whole seconds ≥ 0 or null)."""
    errors: dict[str, list[str]] = {}
    name = _text(body, "name", errors, required=True)
    artist = _text(body, "artist", errors, required=False)
    duration = body.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
        errors["duration"] = ["A valid integer is required."]
    elif duration is not None and duration < 0:
        errors["duration"] = ["Ensure this value is greater than or equal to 0."]
    elif duration is not None and duration > MAX_DURATION:
        errors["duration"] = [f"Ensure this value is less than or equal to {MAX_DURATION}."]
    resumable = body.get("resumable", False)
    if not isinstance(resumable, bool):
        errors["resumable"] = ["Must be a valid boolean."]
    if errors:
        raise ValidationFailed(fields=errors)
    track = Track(uuid=uuidlib.uuid4().hex, name=name, artist=artist, duration=duration,
                  resumable=resumable)
    session.add(track)
    session.flush()
    return track


def list_tracks(session: Session, offset: int, limit: int) -> tuple[int, list[Track]]:
    """(total count, one page ordered by id)."""
    count = session.scalar(select(func.count()).select_from(Track)) or 0
    page = session.scalars(select(Track).order_by(Track.id).offset(offset).limit(limit))
    return count, list(page)
