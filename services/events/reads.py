"""Reads of events straight from rows: what a retrieve shows, without ORM objects.

Loading an ``Event`` with its playlist and meta values through the ORM, in a session of its own,
was most of the events service's CPU per retrieve (bench/RESULTS.md). Here one statement, built
once, brings the event's columns, its playlist's id and its own meta values (one row per value),
a second the organizer's properties; the rows go straight into the view
(:func:`services.events.views.fields_view`). Run on a connection of
:func:`services.common.database.reading`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, select

from services.common.errors import PermissionDenied
from services.events.meta_properties import meta_data
from services.events.models import Event, MetaProperty, MetaValue, Playlist
from services.events.views import fields_view

_EVENT = (
    select(
        *Event.__table__.columns,
        Playlist.id.label("playlist_id"),
        MetaProperty.name.label("meta_name"),
        MetaValue.value.label("meta_value"),
    )
    .join(Playlist, Playlist.event_id == Event.id)
    .outerjoin(MetaValue, MetaValue.event_id == Event.id)
    .outerjoin(MetaProperty, MetaProperty.id == MetaValue.property_id)
    .where(Event.organizer == bindparam("organizer"), Event.slug == bindparam("slug"))
)
_PROPERTIES = select(MetaProperty.name, MetaProperty.default).where(
    MetaProperty.organizer == bindparam("organizer")
)


def event(connection: Connection, organizer: str, slug: str) -> dict[str, Any]:
    """The organizer's event as the REST API shows it; PermissionDenied when there is none
    (pretix never says which, as :func:`services.events.store.find_event`)."""
    rows = connection.execute(_EVENT, {"organizer": organizer, "slug": slug}).all()
    if not rows:
        raise PermissionDenied()
    own = {row.meta_name: row.meta_value for row in rows if row.meta_name is not None}
    properties = connection.execute(_PROPERTIES, {"organizer": organizer}).all()
    return fields_view(rows[0], rows[0].playlist_id, meta_data(own, properties))
