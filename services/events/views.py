"""What clients and other services see of an event and its playlist."""

from __future__ import annotations

from typing import Any

from services.events.meta_properties import meta_data
from services.events.models import Event, MetaProperty, Playlist
from services.events.tracks import track_view
from services.events.values import DEFAULT_LOCALE, iso


def event_view(event: Event, properties: list[MetaProperty]) -> dict[str, Any]:
    """pretix's event representation (the seed's field order), plus ``id`` and ``playlist``."""
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
        "meta_data": meta_data(event, properties),
        "seating_plan": event.seating_plan,
        "seat_category_mapping": event.seat_category_mapping,
        "plugins": list(event.plugins),
        "playlist": event.playlist.id,
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
