"""Roles found at handshakes: kept until an event drops them or they expire."""

from gateway.rooms.roles import RoleCache


class Events:
    """The events service's ``room_role``, counting the times it is asked."""

    def __init__(self, role: str = "guest") -> None:
        self.role = role
        self.asked = 0

    def __call__(self) -> str:
        self.asked += 1
        return self.role


def test_a_role_is_kept_for_its_user_and_room_until_it_expires():
    now = [0.0]
    roles = RoleCache(ttl=60, clock=lambda: now[0])
    events = Events("moderator")
    assert roles.load(1, 7, events) == roles.load(1, 7, events) == "moderator"
    assert events.asked == 1
    roles.load(1, 8, events)
    roles.load(2, 7, events)
    assert events.asked == 3  # another room, another user: asked again
    now[0] += 60
    roles.load(1, 7, events)
    assert events.asked == 4


def test_drops_by_room_and_by_user():
    roles = RoleCache()
    for user, room in ((1, 7), (2, 7), (1, 8), (2, 8)):
        roles.load(user, room, Events())
    roles.drop_room(7)
    kept = Events()
    for user, room in ((1, 7), (2, 7), (1, 8)):
        roles.load(user, room, kept)
    assert kept.asked == 2  # (1, 7) and (2, 7) were dropped, (1, 8) was kept
    roles.drop_users([1])
    assert len(roles) == 2  # (2, 7) and (2, 8): user 1's (1, 7) and (1, 8) are gone
    kept = Events()
    roles.load(2, 8, kept)
    roles.load(1, 8, kept)
    assert kept.asked == 1


def test_a_role_asked_for_before_a_drop_is_not_kept():
    roles = RoleCache()

    def dropped_meanwhile() -> str:
        roles.drop_users([1])  # arrives while the RPC that found the role was under way
        return "administrator"

    assert roles.load(1, 7, dropped_meanwhile) == "administrator"
    assert len(roles) == 0
    assert roles.load(None, 7, Events()) == "guest"  # no user: nothing to key it by
    assert len(roles) == 0
