"""Presence and now playing of rooms, gathered per room and sent at most once an interval."""

from services.realtime.presence import RoomState

ANN = {"user": 1, "username": "ann", "role": "administrator", "user_uuid": "a" * 32}
BOB = {"user": 2, "username": "bob", "role": "guest", "user_uuid": "b" * 32}


def play(
    user_uuid, change="start", time_us=1_000_000, track=5, paused=False, position=0, session="p1"
):
    return {
        "change": change,
        "user_id": user_uuid,
        "track": track,
        "device_id": "d",
        "play_session_id": session,
        "position_ticks": position,
        "is_paused": paused,
        "time_us": time_us,
    }


def messages(state, now):
    return [(room, message["event"], message["payload"]) for room, _, message in state.due(now)]


def test_joins_are_gathered_into_one_delta_per_room_and_interval():
    state = RoomState(interval=1.0)
    state.joined("g1", 7, ANN, now=0.0)
    assert messages(state, 0.0) == [
        (
            7,
            "presence.changed",
            {
                "joined": [{"user": 1, "username": "ann", "role": "administrator"}],
                "left": [],
                "count": 1,
            },
        )
    ]
    state.joined("g2", 7, BOB, now=0.2)
    state.left("g1", 7, 1, now=0.3)
    assert messages(state, 0.5) == []  # within the interval: gathered
    assert messages(state, 1.0) == [
        (
            7,
            "presence.changed",
            {
                "joined": [{"user": 2, "username": "bob", "role": "guest"}],
                "left": [{"user": 1, "username": "ann"}],
                "count": 1,
            },
        )
    ]
    assert messages(state, 5.0) == []  # nothing new


def test_a_user_present_on_two_gateways_stays_until_both_are_gone():
    state = RoomState()
    state.joined("g1", 7, ANN, 0.0)
    state.joined("g2", 7, ANN, 0.0)
    state.due(0.0)
    state.left("g1", 7, 1, 1.0)
    assert messages(state, 2.0) == []
    state.left("g2", 7, 1, 3.0)
    assert messages(state, 3.0)[0][2] == {
        "joined": [],
        "left": [{"user": 1, "username": "ann"}],
        "count": 0,
    }


def test_join_and_leave_within_one_interval_sends_nothing():
    state = RoomState()
    state.joined("g1", 7, ANN, 0.0)
    state.due(0.0)
    state.joined("g1", 7, BOB, 0.1)
    state.left("g1", 7, 2, 0.2)
    assert messages(state, 1.5) == []


def test_a_silent_gateway_is_dropped_after_the_timeout_and_a_heartbeat_restores_state():
    state = RoomState(timeout=15.0)
    state.heartbeat("g1", {7: [ANN, BOB]}, now=0.0)
    assert messages(state, 0.0)[0][2]["count"] == 2
    state.heartbeat("g2", {}, now=10.0)
    assert state.expire(10.0) == []
    assert state.expire(16.0) == ["g1"]
    assert messages(state, 16.0)[0][2]["left"] == [
        {"user": 1, "username": "ann"},
        {"user": 2, "username": "bob"},
    ]
    state.heartbeat("g1", {7: [BOB]}, now=17.0)  # it was only slow
    assert messages(state, 17.0)[0][2]["joined"] == [
        {"user": 2, "username": "bob", "role": "guest"}
    ]


def test_a_heartbeat_that_only_repeats_what_is_known_sends_nothing():
    state = RoomState()
    state.joined("g1", 7, ANN, 0.0)
    state.due(0.0)
    state.heartbeat("g1", {7: [ANN]}, 5.0)
    assert messages(state, 5.0) == []


def test_now_playing_lists_what_present_users_play():
    state = RoomState()
    state.joined("g1", 7, ANN, 0.0)
    state.joined("g1", 7, BOB, 0.0)
    state.playback_changed(play(ANN["user_uuid"], time_us=1_500_000_000_000_000, position=20))
    out = messages(state, 0.0)
    assert out[1] == (
        7,
        "now_playing.changed",
        {
            "now_playing": [
                {
                    "user": 1,
                    "username": "ann",
                    "track": 5,
                    "position_ticks": 20,
                    "is_paused": False,
                    "updated_at": "2017-07-14T02:40:00.000Z",
                }
            ]
        },
    )
    state.playback_changed(play(ANN["user_uuid"], "pause", 1_500_000_001_000_000, paused=True))
    state.playback_changed(play(BOB["user_uuid"], "start", 1_500_000_001_000_000, track=6))
    assert messages(state, 0.5) == []
    [(_, _, payload)] = messages(state, 1.0)
    assert [(e["user"], e["track"], e["is_paused"]) for e in payload["now_playing"]] == [
        (1, 5, True),
        (2, 6, False),
    ]


def test_a_stop_ends_only_its_own_play_and_older_events_are_ignored():
    state = RoomState()
    state.joined("g1", 7, ANN, 0.0)
    state.playback_changed(play(ANN["user_uuid"], time_us=10, session="p2"))
    state.playback_changed(play(ANN["user_uuid"], "stop", 20, session="p1"))
    state.playback_changed(play(ANN["user_uuid"], "pause", 5, paused=True, session="p2"))
    assert state.snapshot(7)["now_playing"]["payload"]["now_playing"][0]["is_paused"] is False
    state.playback_changed(play(ANN["user_uuid"], "stop", 30, session="p2"))
    assert state.snapshot(7)["now_playing"]["payload"]["now_playing"] == []


def test_a_user_who_leaves_drops_out_of_now_playing_and_who_joins_playing_appears():
    state = RoomState()
    state.playback_changed(play(ANN["user_uuid"]))
    assert state.due(0.0) == []  # nobody present anywhere: nothing to say
    state.joined("g1", 7, ANN, 0.0)
    assert [m["event"] for _, _, m in state.due(0.0)] == ["presence.changed", "now_playing.changed"]
    state.left("g1", 7, 1, 2.0)
    assert [m["payload"] for _, _, m in state.due(2.0)][1] == {"now_playing": []}


def test_sync_snapshot_lists_everyone_as_joined():
    state = RoomState()
    state.joined("g1", 7, BOB, 0.0)
    state.joined("g2", 7, ANN, 0.0)
    snapshot = state.snapshot(7)
    assert snapshot["presence"]["payload"] == {
        "joined": [
            {"user": 1, "username": "ann", "role": "administrator"},
            {"user": 2, "username": "bob", "role": "guest"},
        ],
        "left": [],
        "count": 2,
    }
    assert snapshot["now_playing"] == {
        "event": "now_playing.changed",
        "payload": {"now_playing": []},
    }


def test_sync_takes_the_asking_gateways_own_users_as_it_says():
    state = RoomState()
    state.joined("g1", 7, BOB, 0.0)
    state.joined("g2", 7, BOB, 0.0)  # g2's report of bob leaving has not arrived yet
    payload = state.snapshot(7, "g2", [ANN])["presence"]["payload"]
    assert [u["user"] for u in payload["joined"]] == [1, 2] and payload["count"] == 2
    assert state.snapshot(7, "g3", [])["presence"]["payload"]["count"] == 1


def test_reports_a_gateway_numbered_apply_only_when_newer():
    state = RoomState()
    state.heartbeat("g1", {}, 0.0, seq=0)
    state.joined("g1", 7, ANN, 0.1, seq=1)
    state.heartbeat("g1", {}, 0.2, seq=0)  # taken before the join, arrived after it
    assert list(state.members(7)) == [1]
    state.left("g1", 7, 1, 0.3, seq=2)
    state.heartbeat("g1", {7: [ANN]}, 0.4, seq=1)
    state.joined("g1", 7, ANN, 0.5, seq=1)  # a batch a newer heartbeat covered
    assert state.members(7) == {}
    state.heartbeat("g1", {7: [BOB]}, 0.6, seq=3)  # newer than every change: it is the truth
    assert list(state.members(7)) == [2]
