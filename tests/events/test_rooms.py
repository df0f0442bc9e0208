"""services/events/rooms.py: roles in an event's room and the access list behind them."""

import pytest

from services.common.errors import NotFound, PermissionDenied, ValidationFailed
from services.common.permissions import OrganizerPermissions, TeamGrant
from services.common.principal import Principal
from services.events import rooms
from services.events.models import Event


def event(**fields) -> Event:
    return Event(
        **{
            "slug": "e",
            "name": {"en": "E"},
            "is_public": False,
            "author": 1,
            "access": [],
            **fields,
        }
    )


def user(user_id: int) -> Principal:
    return Principal(kind="user", token_id=1, user_id=user_id, username=f"u{user_id}")


def nobody() -> None:
    return None


#: a member of a team of the organizer that grants nothing
member = OrganizerPermissions("org", grants=(TeamGrant(),))


def test_roles():
    settings = OrganizerPermissions(
        "org", grants=(TeamGrant(can_change_event_settings=True, limit_events=("e",)),)
    )
    assert rooms.room_role(event(), user(1), lambda: member) == "administrator"
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


def test_the_author_is_administrator_only_while_in_a_team_of_the_organizer():
    assert rooms.room_role(event(), user(1), lambda: member) == "administrator"
    with pytest.raises(PermissionDenied):
        rooms.room_role(event(), user(1), nobody)
    with pytest.raises(PermissionDenied):
        rooms.room_role(event(), user(1), lambda: OrganizerPermissions("org"))
    assert rooms.room_role(event(is_public=True), user(1), nobody) == "guest"
    room = event()
    rooms.invite(room, 1)
    rooms.change_mode(room, 1, "moderator")
    assert rooms.room_role(room, user(1), nobody) == "moderator"


def test_a_moderator_manages_guests_and_moderators_only():
    room = event()
    rooms.invite(room, 5)
    author = {"id": 1, "username": "u1", "is_admin": False}
    guest = {"id": 5, "username": "u5", "is_admin": False}
    assert rooms.member_role(room, author, lambda principal: member) == "administrator"
    assert rooms.member_role(room, guest, lambda principal: None) == "guest"
    assert rooms.member_role(room, {**guest, "id": 6}, lambda principal: None) is None
    rooms.require_may_manage("moderator", "guest")
    rooms.require_may_manage("moderator", "moderator")
    rooms.require_may_manage("moderator", None)
    rooms.require_may_manage("administrator", "administrator")
    with pytest.raises(PermissionDenied, match="Access denied"):
        rooms.require_may_manage("moderator", "administrator")
