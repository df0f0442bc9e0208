"""Roles found at handshakes: kept until an event drops them or they expire."""

from gateway.rooms.roles import RoleCache


def test_a_role_is_kept_for_its_user_and_room_until_it_expires():
    now = [0.0]
    roles = RoleCache(ttl=60, clock=lambda: now[0])
    roles.put(1, 7, "moderator", roles.generation)
    assert (roles.get(1, 7), roles.get(1, 8), roles.get(2, 7)) == ("moderator", None, None)
    now[0] += 60
    assert roles.get(1, 7) is None


def test_drops_by_room_and_by_user():
    roles = RoleCache()
    for user, room in ((1, 7), (2, 7), (1, 8), (2, 8)):
        roles.put(user, room, "guest", roles.generation)
    roles.drop_room(7)
    assert (roles.get(1, 7), roles.get(2, 7), roles.get(1, 8)) == (None, None, "guest")
    roles.drop_users([1])
    assert (roles.get(1, 8), roles.get(2, 8)) == (None, "guest")
    assert roles.size == 1


def test_a_role_asked_for_before_a_drop_is_not_kept():
    roles = RoleCache()
    asked_at = roles.generation
    roles.drop_users([1])  # arrives while the RPC that found the role was under way
    roles.put(1, 7, "administrator", asked_at)
    assert roles.get(1, 7) is None
    roles.put(None, 7, "guest", roles.generation)  # no user: nothing to key it by
    assert roles.size == 0
