"""A room's revision order: in order at once, a gap waited for briefly, nothing older."""

import eventlet

from gateway.rooms import order
from gateway.rooms.order import RoomOrder


def delivered_revisions() -> tuple[RoomOrder, list[int]]:
    revisions: list[int] = []
    return RoomOrder(lambda message: revisions.append(message["revision"])), revisions


def test_in_order_at_once_and_older_or_repeated_dropped():
    room, revisions = delivered_revisions()
    for revision in (2, 3, 2, 1, 4):
        room.arrived({"revision": revision})
    assert revisions == [2, 3, 4]


def test_a_message_ahead_of_a_gap_waits_for_it():
    room, revisions = delivered_revisions()
    for revision in (1, 3, 4, 2):
        room.arrived({"revision": revision})
    assert revisions == [1, 2, 3, 4] and room.timer is None


def test_a_gap_that_does_not_fill_in_time_is_skipped(monkeypatch):
    monkeypatch.setattr(order, "REORDER_SECONDS", 0.01)
    room, revisions = delivered_revisions()
    for revision in (5, 7, 9):
        room.arrived({"revision": revision})
    assert revisions == [5]
    eventlet.sleep(0.05)  # the window passes without revisions 6 and 8
    assert revisions == [5, 7, 9]
    room.arrived({"revision": 6})
    assert revisions == [5, 7, 9]
