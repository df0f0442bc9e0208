"""services/events/permissions.py: pretix's permission model on events, one 403 for all."""

import pytest

from services.common.errors import PermissionDenied
from services.common.permissions import OrganizerPermissions, TeamGrant
from services.events import permissions

DENIED = "You do not have permission to perform this action."


def granted(*grants: TeamGrant, admin: bool = False) -> OrganizerPermissions:
    return OrganizerPermissions("org", is_admin=admin, grants=grants)


def test_require_passes_when_some_team_grants_it_on_the_event():
    limited = granted(TeamGrant(can_change_event_settings=True, limit_events=("a",)))
    permissions.require(limited, "can_change_event_settings", "a")
    with pytest.raises(PermissionDenied) as caught:
        permissions.require(limited, "can_change_event_settings", "b")
    assert caught.value.detail == DENIED
    with pytest.raises(PermissionDenied):
        permissions.require(limited, "can_create_events")


def test_admins_may_do_everything():
    permissions.require(granted(admin=True), "can_create_events")
    assert permissions.listable_slugs(granted(admin=True)) is None


def test_listable_slugs():
    assert permissions.listable_slugs(
        granted(
            TeamGrant(can_change_event_settings=True, limit_events=("a",)),
            TeamGrant(can_change_event_settings=True, limit_events=("b",)),
            TeamGrant(can_create_events=True, limit_events=("c",)),
        )
    ) == {"a", "b"}
    assert (
        permissions.listable_slugs(
            granted(TeamGrant(can_change_event_settings=True, all_events=True))
        )
        is None
    )


def test_listing_needs_a_team_that_may_change_event_settings():
    for grants in ((), (TeamGrant(can_create_events=True, all_events=True),)):
        with pytest.raises(PermissionDenied):
            permissions.listable_slugs(granted(*grants))


def test_member_of_needs_any_team_or_admin():
    permissions.member_of(granted(TeamGrant()))
    permissions.member_of(granted(admin=True))
    with pytest.raises(PermissionDenied):
        permissions.member_of(granted())
