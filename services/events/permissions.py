"""pretix's permission model applied to events: what a principal's organizer permissions allow."""

from __future__ import annotations

from services.common.errors import PermissionDenied
from services.common.permissions import OrganizerPermissions, Permission


def require(
    permissions: OrganizerPermissions, permission: Permission, event: str | None = None
) -> None:
    """PermissionDenied (pretix's one 403 body) unless some team grants it (on `event`)."""
    if not permissions.has(permission, event):
        raise PermissionDenied()


def listable_slugs(permissions: OrganizerPermissions) -> set[str] | None:
    """Events the principal may list (None: all); no team with can_change_event_settings: 403."""
    if not permissions.is_admin and not any(
        grant.can_change_event_settings for grant in permissions.grants
    ):
        raise PermissionDenied()
    return permissions.events_with("can_change_event_settings")


def member_of(permissions: OrganizerPermissions) -> None:
    """Reading organizer-level resources (meta properties) needs admin or any team there."""
    if not permissions.is_admin and not permissions.grants:
        raise PermissionDenied()
