"""What clients and other services see of an event and its playlist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from services.events.meta_properties import meta_data, own_values
from services.events.models import Event, MetaProperty, Playlist
from services.events.tracks import track_view
from services.events.values import DEFAULT_LOCALE, iso


def event_view(event: Event, properties: list[MetaProperty]) -> dict[str, Any]:
    """pretix's event representation (the seed's field order), plus ``id`` and ``playlist``."""
    return fields_view(event, event.playlist.id, meta_data(own_values(event), properties))


def fields_view(
    event: Event | Row[*tuple[Any, ...]], playlist: int, meta: dict[str, str]
) -> dict[str, Any]:
    """:func:`event_view` of an event's columns (an ``Event`` or a row of the events table), its
    playlist's id and its meta data."""
    return {
        "id": event.id,
        "name": event.name,
        "slug": event.slug,
        "live": event.live,
        "testmode": event.testmode,
        "currency": event.currency,
        "date_from": iso(event.date_from),
        "date_to": iso(event.date_to),
        "date_admission": iso(event.date_admission),
        "is_public": event.is_public,
        "presale_start": iso(event.presale_start),
        "presale_end": iso(event.presale_end),
        "location": event.location,
        "geo_lat": event.geo_lat,
        "geo_lon": event.geo_lon,
        "has_subevents": event.has_subevents,
        "meta_data": meta,
        "seating_plan": event.seating_plan,
        "seat_category_mapping": event.seat_category_mapping,
        "plugins": list(event.plugins),
        "playlist": playlist,
    }


def event_snapshot(event: Event, view: dict[str, Any]) -> dict[str, Any]:
    """The event as domain events carry it: its `view`, author, organizer, locale."""
    return {
        **view,
        "author": event.author,
        "organizer": event.organizer,
        "default_locale": DEFAULT_LOCALE,
    }


def default_name(event: Event) -> str:
    """The name in the default locale (else any locale's)."""
    return event.name.get(DEFAULT_LOCALE) or next(iter(event.name.values()), "")


def access_type(event: Event) -> str:
    return "public" if event.is_public else "private"


def playlist_snapshot(playlist: Playlist) -> dict[str, Any]:
    event = playlist.event
    return {
        "id": playlist.id,
        "name": default_name(event),
        "type": "event",
        "access_type": access_type(event),
        "author": event.author,
        # `track` is the catalogue id (API.md §4: what the music-room iOS client decodes); the
        # details ride along beside it
        "tracks": [
            {
                "id": entry.id,
                "order": entry.order,
                "track": entry.track.id,
                "playlist": playlist.id,
                "track_detail": track_view(entry.track),
            }
            for entry in playlist.entries
        ],
    }
