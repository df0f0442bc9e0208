"""The union of a principal's teams in an organizer."""

from services.common.permissions import OrganizerPermissions, TeamGrant

SETTINGS_ON_A = TeamGrant(can_change_event_settings=True, limit_events=("a",))
CREATE_ALL = TeamGrant(can_create_events=True, all_events=True)


def test_permission_needs_a_team_that_has_it_and_covers_the_event():
    perms = OrganizerPermissions("org", grants=(SETTINGS_ON_A, CREATE_ALL))
    assert perms.has("can_change_event_settings", "a")
    assert not perms.has("can_change_event_settings", "b")
    assert perms.has("can_create_events")
    assert not perms.has("can_change_teams")


def test_visible_events():
    assert OrganizerPermissions("org", grants=(SETTINGS_ON_A,)).events_with(
        "can_change_event_settings"
    ) == {"a"}
    assert (
        OrganizerPermissions("org", grants=(CREATE_ALL,)).events_with("can_create_events") is None
    )
    assert OrganizerPermissions("org", is_admin=True).events_with("can_change_teams") is None


def test_round_trip_as_dict():
    perms = OrganizerPermissions("org", grants=(SETTINGS_ON_A, CREATE_ALL))
    assert OrganizerPermissions.from_dict(perms.to_dict()) == perms
