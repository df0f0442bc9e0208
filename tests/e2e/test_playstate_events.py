"""The domain events playstate dispatches after each committed change, read from the
``playstate.events`` exchange of the running stack."""

from collections.abc import Iterator

import pytest

from tests.support.domain_events import Listener
from tests.support.playstate import new_listener, new_track


@pytest.fixture(scope="module")
def events(stack, service_env: dict) -> Iterator[Listener]:
    listening = Listener(service_env["AMQP_URI"], "playstate")
    yield listening
    listening.connection.release()


def test_user_data_and_playback_events(stack, admin, events):
    mix = new_track(admin, 3600, resumable=True)
    user = new_listener(stack)
    base = f"/Users/{user.id}"

    marked = user.api.post(f"{base}/PlayedItems/{mix}").json()
    assert events.take(1) == [
        ("user_data_changed", {"user_id": user.id, "item_id": mix, "user_data": marked})
    ]

    user.api.post(f"{base}/PlayingItems/{mix}", params={"playSessionId": "e"})
    (started, payload), (changed, data), (kind, change) = events.take(3)
    assert started == "playback_started" and changed == "user_data_changed"
    assert kind == "playback_changed" and change["change"] == "start"
    assert (change["item_id"], change["user_id"], change["is_paused"]) == (mix, user.id, False)
    assert isinstance(change["track"], int)
    assert payload == {
        "user_id": user.id,
        "item_id": mix,
        "device_id": payload["device_id"],
        "play_session_id": "e",
        "position_ticks": None,
    }
    assert payload["device_id"].startswith("token:") and data["user_data"]["PlayCount"] == 2

    user.api.post(
        f"{base}/PlayingItems/{mix}/Progress",
        params={"playSessionId": "e", "positionTicks": 9_000_000_000},
    )
    [(kind, data)] = events.take(1)
    assert kind == "user_data_changed"
    assert data["user_data"]["PlaybackPositionTicks"] == 9_000_000_000

    user.api.delete(
        f"{base}/PlayingItems/{mix}", params={"playSessionId": "e", "positionTicks": 10_000_000_000}
    )
    (stopped, payload), (changed, data), (kind, change) = events.take(3)
    assert stopped == "playback_stopped" and payload["reason"] == "stopped"
    assert (kind, change["change"], change["position_ticks"]) == (
        "playback_changed",
        "stop",
        10_000_000_000,
    )
    assert payload["position_ticks"] == 10_000_000_000
    assert data["user_data"] == user.api.get(f"{base}/Items/{mix}/UserData").json()

    user.api.post("/Sessions/Playing/Ping", params={"playSessionId": "e"})
    user.api.get(f"{base}/Items/{mix}/UserData")
    user.api.post(f"{base}/PlayedItems/{'0' * 32}")  # 404: nothing changed
    assert events.nothing_more()
