"""The room's outgoing messages built from the events service's snapshots."""

from datetime import UTC, datetime

from services.common import room_messages

EVENT = {
    "id": 7,
    "name": {"de": "Abend", "en": "Evening"},
    "default_locale": "en",
    "is_public": True,
    "date_from": "2030-01-01T10:00:00Z",
    "date_to": "2030-01-01T12:00:00Z",
    "author": 3,
    "playlist": 9,
    "slug": "evening",
}
PLAYLIST = {
    "id": 9,
    "name": "Evening",
    "type": "event",
    "access_type": "public",
    "author": 3,
    "tracks": [],
}


def test_event_changed_is_the_music_room_view():
    before = datetime(2029, 1, 1, tzinfo=UTC)
    assert room_messages.event_changed(EVENT, 4, before) == {
        "event": "event.changed",
        "payload": {
            "event": {
                "id": 7,
                "name": "Evening",
                "access_type": "public",
                "start_date": "2030-01-01T10:00:00Z",
                "end_date": "2030-01-01T12:00:00Z",
                "is_finished": False,
                "author": 3,
                "playlist": 9,
            },
            "change_message": "Someone change event data",
            "revision": 4,
        },
    }
    after = datetime(2031, 1, 1, tzinfo=UTC)
    finished = room_messages.event_changed({**EVENT, "is_public": False}, 4, after)
    assert finished["payload"]["event"]["is_finished"] is True
    assert finished["payload"]["event"]["access_type"] == "private"
    open_ended = room_messages.room_event({**EVENT, "date_to": None, "name": {"de": "A"}}, after)
    assert (open_ended["is_finished"], open_ended["name"]) == (False, "A")


def test_playlist_change_messages():
    assert (
        room_messages.change_message({"action": "add", "username": "ann", "track_name": "Song"})
        == "ann add track Song to playlist"
    )
    assert room_messages.change_message(
        {"action": "remove", "username": "ann", "track_name": "Song"}
    ) == ("ann remove track Song from playlist")


def test_sync_is_both_messages_at_one_revision():
    event, playlist = room_messages.sync_messages(
        {"event": EVENT, "playlist": PLAYLIST, "revision": 5}
    )
    assert (event["event"], playlist["event"]) == ("event.changed", "playlist.changed")
    assert event["payload"]["revision"] == playlist["payload"]["revision"] == 5
    assert playlist["payload"] == {"playlist": PLAYLIST, "change_message": "", "revision": 5}
