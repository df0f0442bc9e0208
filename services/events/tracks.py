"""The track catalogue: create, list (optionally searched), look up by integer id or GUID.

Search ignores case and accents on every database alike: each track keeps its name and artist
folded (``fold``: NFKD, combining marks dropped, case-folded) in two columns written with the
track, and a search folds its text the same way and matches with a plain ``LIKE``.
"""

from __future__ import annotations

import unicodedata
import uuid as uuidlib
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from services.common.errors import NotFound, ValidationFailed, too_long
from services.events.models import Track

#: name and artist (API.md §1 "Limits")
MAX_TEXT = 200
#: seconds; the column is a 32-bit integer, as are track ids
MAX_DURATION = MAX_ID = 2**31 - 1


def track_view(track: Track) -> dict[str, Any]:
    return {
        "id": track.id,
        "uuid": track.uuid,
        "name": track.name,
        "artist": track.artist,
        "duration": track.duration,
        "resumable": track.resumable,
    }


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


def _text(body: dict[str, Any], field: str, errors: dict[str, list[str]], required: bool) -> str:
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
    track = Track(
        uuid=uuidlib.uuid4().hex,
        name=name,
        artist=artist,
        duration=duration,
        resumable=resumable,
        search_name=fold(name)[:FOLDED_MAX],
        search_artist=fold(artist)[:FOLDED_MAX],
    )
    session.add(track)
    session.flush()
    return track


LIKE_ESCAPE = "\\"
#: length of the folded search columns (folding can lengthen a text: "ß" → "ss")
FOLDED_MAX = 255


def fold(text: str) -> str:
    """`text` as search compares it: accents dropped, case folded ("Beyoncé" → "beyonce")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.casefold())


def _like_literal(text: str) -> str:
    """`text` with LIKE's wildcards escaped, so ``50%`` matches itself."""
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return text


def list_tracks(
    session: Session, offset: int, limit: int, search: str = ""
) -> tuple[int, list[Track]]:
    """(total count, one page). Without `search`, every track by id; with it, the tracks whose name
    or artist contains it (case and accents ignored), those whose name starts with it first."""
    query = select(Track)
    order: list[Any] = [Track.id]
    folded = fold(search.strip())
    if folded:
        text = _like_literal(folded)
        contains = f"%{text}%"
        query = query.where(
            Track.search_name.like(contains, escape=LIKE_ESCAPE)
            | Track.search_artist.like(contains, escape=LIKE_ESCAPE)
        )
        starts = Track.search_name.like(f"{text}%", escape=LIKE_ESCAPE)
        order.insert(0, case((starts, 0), else_=1))
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = session.scalars(query.order_by(*order).offset(offset).limit(limit))
    return count, list(page)
