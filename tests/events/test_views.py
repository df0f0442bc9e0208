"""services/events/views.py: what clients and other services see of an event and its playlist."""

from services.events import playlists, store, tracks, views

FIELDS = [
    "id",
    "name",
    "slug",
    "live",
    "testmode",
    "currency",
    "date_from",
    "date_to",
    "date_admission",
    "is_public",
    "presale_start",
    "presale_end",
    "location",
    "geo_lat",
    "geo_lon",
    "has_subevents",
    "meta_data",
    "seating_plan",
    "seat_category_mapping",
    "plugins",
    "playlist",
]


def test_event_view_has_the_seed_fields_plus_id_and_playlist(session_for):
    session = session_for("events")
    event = store.create_event(
        session,
        "org-v",
        {
            "name": {"en": "Conf", "de": "Konferenz"},
            "slug": "conf",
            "date_from": "2030-01-01T12:00:00+02:00",
            "plugins": ["pretix.plugins.stripe"],
        },
        4,
    )
    view = views.event_view(event, [])
    assert list(view) == FIELDS
    assert (view["id"], view["playlist"]) == (event.id, event.playlist.id)
    assert view["date_from"] == "2030-01-01T10:00:00Z"
    assert (view["meta_data"], view["seat_category_mapping"], view["plugins"]) == (
        {},
        {},
        ["pretix.plugins.stripe"],
    )
    snapshot = views.event_snapshot(event, view)
    assert snapshot == {**view, "author": 4, "organizer": "org-v", "default_locale": "en"}


def test_playlist_snapshot(session_for):
    session = session_for("events")
    event = store.create_event(
        session,
        "org-v",
        {
            "name": {"de": "Nur Deutsch"},
            "slug": "p",
            "date_from": "2030-01-01T00:00:00Z",
            "is_public": False,
        },
        None,
    )
    track = tracks.create_track(session, {"name": "Intro"})
    playlists.add_track(event.playlist, track)
    session.flush()
    snapshot = views.playlist_snapshot(event.playlist)
    entry = event.playlist.entries[0]
    assert snapshot == {
        "id": event.playlist.id,
        "name": "Nur Deutsch",
        "type": "event",
        "access_type": "private",
        "author": None,
        "tracks": [
            {
                "id": entry.id,
                "order": 0,
                "track": track.id,
                "playlist": event.playlist.id,
                "track_detail": tracks.track_view(track),
            }
        ],
    }
