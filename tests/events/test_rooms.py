"""services/events/rooms.py: roles in an event's room and the access list behind them."""

import pytest

from services.common.errors import NotFound, PermissionDenied, ValidationFailed
from services.common.permissions import OrganizerPermissions, TeamGrant
from services.common.principal import Principal
from services.events import rooms
from services.events.models import Event


def event(**fields) -> Event:
    return Event(**{"slug": "e", "name": {"en": "E"}, "is_public": False, "author": 1,
                    "access": [], **fields})


def user(user_id: int) -> Principal:
    return Principal(kind="user", token_id=1, user_id=user_id, username=f"u{user_id}")


def nobody() -> None:
    return None


def test_roles():
    settings = OrganizerPermissions("org", grants=(TeamGrant(can_change_event_settings=True,
                                                             limit_events=("e",)),))
    assert rooms.room_role(event(), user(1), nobody) == "administrator"
    assert rooms.room_role(event(), user(2), lambda: settings) == "administrator"
    assert rooms.room_role(event(is_public=True), user(3), nobody) == "guest"
    with pytest.raises(PermissionDenied, match="Access denied"):
        rooms.room_role(event(), user(3), nobody)
    team = Principal(kind="team", token_id=2, team_id=1, organizer="org")
    with pytest.raises(PermissionDenied):
        rooms.room_role(event(is_public=True), team, nobody)


def test_access_list():
    room = event()
    rooms.invite(room, 5)
    assert rooms.room_role(room, user(5), nobody) == "guest"
    rooms.change_mode(room, 5, rooms.access_mode("moderator"))
    assert rooms.room_role(room, user(5), nobody) == "moderator"
    rooms.invite(room, 5)
    assert rooms.room_role(room, user(5), nobody) == "guest"
    rooms.revoke(room, 5)
    with pytest.raises(PermissionDenied):
        rooms.room_role(room, user(5), nobody)
    with pytest.raises(NotFound, match="User not found"):
        rooms.change_mode(room, 5, "guest")


def test_require_role_and_modes():
    rooms.require_role("administrator", "moderator")
    with pytest.raises(PermissionDenied):
        rooms.require_role("guest", "moderator")
    with pytest.raises(ValidationFailed):
        rooms.access_mode("owner")


def test_change_event_sets_the_default_name_and_access_type():
    room = event(name={"en": "Old", "de": "Alt"})
    rooms.change_event(room, "New", "public")
    assert (room.name, room.is_public) == ({"en": "New", "de": "Alt"}, True)
    rooms.change_event(room, "", None)
    assert (room.name["en"], room.is_public) == ("New", True)
    for name, access in ((None, "hidden"), ("  ", None), (3, None)):
        with pytest.raises(ValidationFailed):
            rooms.change_event(room, name, access)
