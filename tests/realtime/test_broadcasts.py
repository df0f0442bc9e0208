"""What each domain event of the events service means for its room."""

from services.realtime import broadcasts
from services.realtime.presence import RoomState

EVENT = {
    "id": 7,
    "name": {"en": "Evening"},
    "default_locale": "en",
    "is_public": False,
    "date_from": None,
    "date_to": None,
    "author": 3,
    "playlist": 9,
}


def test_playlist_changed_carries_the_change_message_and_origin():
    message = broadcasts.playlist_changed(
        {
            "event_id": 7,
            "revision": 5,
            "playlist": {"id": 9, "tracks": []},
            "change": {"action": "add", "username": "ann", "track_name": "Song"},
        },
        "req-1",
    )
    assert (message["room"], message["revision"], message["origin"], message["close"]) == (
        7,
        5,
        "req-1",
        None,
    )
    assert message["message"]["payload"]["change_message"] == "ann add track Song to playlist"


def test_access_changes_broadcast_and_revocations_close_that_user():
    payload = {"event_id": 7, "revision": 6, "event": EVENT, "user_id": 4}
    granted = broadcasts.access_changed({**payload, "access_mode": "guest"}, None)
    assert granted["close"] is None and granted["message"]["event"] == "event.changed"
    revoked = broadcasts.access_changed({**payload, "access_mode": None}, None)
    assert revoked["close"] == {"code": 4403, "user_id": 4}
    assert revoked["message"]["payload"]["revision"] == 6


def test_deletion_closes_the_room():
    assert broadcasts.event_deleted({"event_id": 7, "revision": 8}, "o") == {
        "room": 7,
        "revision": 8,
        "origin": "o",
        "message": None,
        "close": {"code": 4404, "user_id": None},
    }


def test_gateway_reports_apply_in_order_and_heartbeat_room_keys_are_read_as_ids():
    state = RoomState()
    ann = {"user": 1, "username": "ann", "role": "guest", "user_uuid": "a" * 32}
    broadcasts.apply_presence_changes(
        state,
        {
            "gateway": "g",
            "changes": [
                {"room": 7, "joined": ann},
                {"room": 7, "left": 1},
                {"room": 8, "joined": ann},
            ],
        },
        0.0,
    )
    assert (state.members(7), list(state.members(8))) == ({}, [1])
    broadcasts.apply_heartbeat(state, {"gateway": "g", "rooms": {"7": [ann]}}, 1.0)
    assert (list(state.members(7)), state.members(8)) == ([1], {})
    assert broadcasts.room_presence(7, "presence", {"event": "x"}) == {
        "room": 7,
        "feature": "presence",
        "message": {"event": "x"},
    }
