"""A gateway's presence: first socket in a room is a join, last one a leave, batched."""

from gateway.presence import PresenceTracker, member, requested_features

ANN = member({"user_id": 1, "username": "ann", "user_uuid": "a" * 32}, "guest")


def test_features_are_asked_for_in_the_query_string():
    assert requested_features("with=presence,now_playing") == {"presence", "now_playing"}
    assert requested_features("token=x&with=now_playing") == {"now_playing"}
    assert requested_features("with=presence&with=now_playing,bogus") == {"presence", "now_playing"}
    assert requested_features("") == frozenset()


def test_only_a_users_first_and_last_socket_in_a_room_count():
    tracker = PresenceTracker("g")
    tracker.opened(7, ANN)
    tracker.opened(7, ANN)
    tracker.opened(8, ANN)
    tracker.closed(7, 1)
    assert tracker.take_changes() == {
        "gateway": "g",
        "changes": [{"room": 7, "joined": ANN, "seq": 1}, {"room": 8, "joined": ANN, "seq": 2}],
    }
    assert tracker.take_changes() is None
    assert tracker.heartbeat() == {"gateway": "g", "seq": 2, "rooms": {"7": [ANN], "8": [ANN]}}
    tracker.closed(7, 1)
    tracker.closed(7, 1)  # a socket that never counted (refused): nothing
    assert tracker.take_changes() == {"gateway": "g", "changes": [{"room": 7, "left": 1, "seq": 3}]}
    assert tracker.heartbeat()["rooms"] == {"8": [ANN]}


def test_here_lists_a_rooms_users_on_this_gateway():
    tracker = PresenceTracker("g")
    tracker.opened(7, ANN)
    assert (tracker.here(7), tracker.here(8)) == ([ANN], [])
