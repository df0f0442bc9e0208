"""Only the speaking realtime instance sends; the others keep in step with what was sent."""

from services.realtime.instances import Instances
from services.realtime.presence import RoomState
from services.realtime.rooms import Rooms

ANN = {"user": 1, "username": "ann", "role": "guest", "user_uuid": "a" * 32}


def test_a_silent_instance_keeps_in_step_and_takes_over_without_repeating():
    rooms = Rooms(RoomState(), Instances("b"))
    rooms.clock = lambda: 0.0  # type: ignore[method-assign]
    rooms.instances.alive("a", 0.0)
    rooms.state.joined("g", 7, ANN, 0.0)
    assert rooms.tick() == []  # "a" speaks
    rooms.clock = lambda: 10.0  # type: ignore[method-assign]
    assert rooms.tick() == []  # "b" speaks now, but ann's join was already told
    rooms.state.left("g", 7, 1, 10.0)
    assert [message["payload"]["left"] for _, _, message in rooms.tick()] == [
        [{"user": 1, "username": "ann"}]
    ]
