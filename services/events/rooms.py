"""Who may do what in an event's room (API.md §4), and the access list behind it."""

from __future__ import annotations

from typing import Callable

from services.common.errors import NotFound, PermissionDenied, field_error
from services.common.permissions import OrganizerPermissions
from services.common.principal import Principal
from services.events.models import Event, EventAccess
from services.events.values import DEFAULT_LOCALE

ROLES = ("guest", "moderator", "administrator")


def room_role(event: Event, principal: Principal,
              permissions: Callable[[], OrganizerPermissions | None]) -> str:
    """The highest role the principal has; PermissionDenied("Access denied") for none.

    The author and members of a team with can_change_event_settings on the event are
    administrators; an access row gives its mode; a public event makes every user a guest.
    `permissions` is asked only when the cheaper rules do not settle it.
    """
    if not principal.is_user:
        raise PermissionDenied("Access denied")
    if event.author is not None and event.author == principal.user_id:
        return "administrator"
    granted = permissions()
    if granted is not None and granted.has("can_change_event_settings", event.slug):
        return "administrator"
    row = next((row for row in event.access if row.user_id == principal.user_id), None)
    if row is not None:
        return row.mode
    if event.is_public:
        return "guest"
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
