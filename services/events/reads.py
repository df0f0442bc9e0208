"""Reads of events straight from rows: what a retrieve and a list show, without ORM objects.

Loading ``Event`` objects with their playlists and meta values through the ORM, in a session of
its own, was most of the events service's CPU per retrieve and per list (bench/RESULTS.md). Here
the rows go straight into the view (:func:`services.events.views.fields_view`): a retrieve is one
statement, built once, for the event's columns, its playlist's id and its own meta values (one row
per value), and one for the organizer's properties; a page of the list is its count, its events
with their playlists' ids, and the own meta values of the events on it. Run on a connection of
:func:`services.common.database.reading`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select

from services.common.database import utcnow
from services.common.errors import PermissionDenied
from services.events import filters
from services.events.meta_properties import meta_data
from services.events.models import Event, MetaProperty, MetaValue, Playlist
from services.events.views import fields_view

#: an event's columns and its playlist's id: each event on a page, and what a retrieve begins with
_LISTED = select(*Event.__table__.columns, Playlist.id.label("playlist_id")).join(
    Playlist, Playlist.event_id == Event.id
)
#: a retrieve: the event with its own meta values, one row per value (one row without any)
_EVENT = (
    _LISTED.add_columns(MetaProperty.name.label("meta_name"), MetaValue.value.label("meta_value"))
    .outerjoin(MetaValue, MetaValue.event_id == Event.id)
    .outerjoin(MetaProperty, MetaProperty.id == MetaValue.property_id)
    .where(Event.organizer == bindparam("organizer"), Event.slug == bindparam("slug"))
)
_PROPERTIES = select(MetaProperty.id, MetaProperty.name, MetaProperty.default).where(
    MetaProperty.organizer == bindparam("organizer")
)
_OWN_VALUES = (
    select(MetaValue.event_id, MetaProperty.name, MetaValue.value)
    .join(MetaProperty, MetaProperty.id == MetaValue.property_id)
    .where(MetaValue.event_id.in_(bindparam("events", expanding=True)))
)


def event(connection: Connection, organizer: str, slug: str) -> dict[str, Any]:
    """The organizer's event as the REST API shows it; PermissionDenied when there is none
    (pretix never says which, as :func:`services.events.store.find_event`)."""
    rows = connection.execute(_EVENT, {"organizer": organizer, "slug": slug}).all()
    if not rows:
        raise PermissionDenied()
    own = {row.meta_name: row.meta_value for row in rows if row.meta_name is not None}
    return fields_view(
        rows[0], rows[0].playlist_id, meta_data(own, properties(connection, organizer))
    )


def properties(connection: Connection, organizer: str) -> Sequence[Row[int, str, str]]:
    """The organizer's meta properties: rows with an ``id``, a ``name`` and a ``default``."""
    return connection.execute(_PROPERTIES, {"organizer": organizer}).all()


def page(
    connection: Connection,
    organizer: str,
    slugs: set[str] | None,
    event_filters: filters.EventFilters,
    offset: int,
    limit: int,
) -> tuple[int, list[dict[str, Any]]]:
    """(count, one page) of the organizer's events as the REST API shows them, limited to `slugs`
    unless None."""
    organizer_properties = properties(connection, organizer)
    query = _LISTED.where(Event.organizer == organizer)
    if slugs is not None:
        query = query.where(Event.slug.in_(sorted(slugs)))
    query = filters.apply(query, event_filters, organizer_properties, utcnow())
    count = connection.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = connection.execute(query.offset(offset).limit(limit)).all()
    own: dict[int, dict[str, str]] = defaultdict(dict)
    if rows:
        ids = [row.id for row in rows]
        for event_id, name, value in connection.execute(_OWN_VALUES, {"events": ids}):
            own[event_id][name] = value
    return count or 0, [
        fields_view(row, row.playlist_id, meta_data(own[row.id], organizer_properties))
        for row in rows
    ]
