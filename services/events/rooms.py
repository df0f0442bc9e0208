"""Who may do what in an event's room (API.md §4), and the access list behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.errors import NotFound, PermissionDenied, field_error
from services.common.permissions import OrganizerPermissions
from services.common.principal import Principal
from services.events.models import Event, EventAccess
from services.events.values import DEFAULT_LOCALE

ROLES = ("guest", "moderator", "administrator")


def room_role(
    event: Event, principal: Principal, permissions: Callable[[], OrganizerPermissions | None]
) -> str:
    """The highest role the principal has; PermissionDenied("Access denied") for none.

    Members of a team with can_change_event_settings on the event are administrators, and so is
    the author while a member of some team of the organizer (API.md §4); an access row gives its
    mode; a public event makes every user a guest.
    """
    if not principal.is_user:
        raise PermissionDenied("Access denied")
    granted = permissions()
    if granted is not None:
        if granted.has("can_change_event_settings", event.slug):
            return "administrator"
        if event.author is not None and event.author == principal.user_id and granted.grants:
            return "administrator"
    row = next((row for row in event.access if row.user_id == principal.user_id), None)
    if row is not None:
        return row.mode
    if event.is_public:
        return "guest"
    raise PermissionDenied("Access denied")


def member_role(
    event: Event,
    user: dict[str, Any],
    permissions: Callable[[Principal], OrganizerPermissions | None],
) -> str | None:
    """The role of the user `user` (accounts' user record) in the room; None for none."""
    principal = Principal(
        kind="user",
        token_id=0,
        user_id=user["id"],
        username=user["username"],
        is_admin=user["is_admin"],
    )
    try:
        return room_role(event, principal, lambda: permissions(principal))
    except PermissionDenied:
        return None


def require_may_manage(role: str, target_role: str | None) -> None:
    """A moderator invites and revokes only guests and moderators (and users without access);
    aimed at an administrator it is "Access denied" (API.md §4)."""
    if role != "administrator" and target_role == "administrator":
        raise PermissionDenied("Access denied")


def require_role(role: str, minimum: str) -> None:
    if ROLES.index(role) < ROLES.index(minimum):
        raise PermissionDenied("Access denied")


def access_mode(value: object) -> str:
    if value not in ROLES:
        raise field_error("access_mode", f'"{value}" is not a valid choice.')
    return str(value)


def invite(event: Event, user_id: int) -> None:
    """Give the user guest access (a repeat invitation resets the role to guest)."""
    row = next((row for row in event.access if row.user_id == user_id), None)
    if row is None:
        event.access.append(EventAccess(user_id=user_id, mode="guest"))
    else:
        row.mode = "guest"


def revoke(event: Event, user_id: int) -> None:
    event.access = [row for row in event.access if row.user_id != user_id]


def change_mode(event: Event, user_id: int, mode: str) -> None:
    """Set the role of a user who has access; NotFound("User not found") for one who has none."""
    row = next((row for row in event.access if row.user_id == user_id), None)
    if row is None:
        raise NotFound("User not found")
    row.mode = mode


def change_event(event: Event, event_name: object, event_access_type: object) -> None:
    """The room's ``change_event``: the default-locale name and public/private; empty values
    leave a field unchanged."""
    if event_access_type not in (None, "", "public", "private"):
        raise field_error("event_access_type", f'"{event_access_type}" is not a valid choice.')
    if event_name not in (None, ""):
        if not isinstance(event_name, str) or not event_name.strip():
            raise field_error("event_name", "Not a valid string.")
        event.name = {**event.name, DEFAULT_LOCALE: event_name}
    if event_access_type:
        event.is_public = event_access_type == "public"
