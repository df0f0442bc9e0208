import pytest

from services.accounts import organizers, teams, users
from services.common.errors import NotFound, PermissionDenied, ValidationFailed
from services.common.principal import Principal

ADMIN = Principal(kind="user", token_id=1, user_id=1, is_admin=True)


@pytest.fixture
def db(session_for):
    return session_for("accounts")


@pytest.fixture
def organizer(db):
    return organizers.create_organizer(db, ADMIN, {"slug": "teams-org", "name": "Org"})


def member(db, organizer, name, **flags):
    user = users.create_user(db, name, "pw")
    team = teams.create_team(db, organizer, {"name": f"team of {name}", **flags})
    teams.add_member(db, team, {"user": user.id})
    return Principal(kind="user", token_id=1, user_id=user.id, username=name), team


def test_permissions_are_the_union_over_the_users_teams(db, organizer):
    principal, first = member(db, organizer, "union", can_create_events=True)
    second = teams.create_team(
        db,
        organizer,
        {"name": "limited", "limit_events": ["b", "a"], "can_change_event_settings": True},
    )
    teams.add_member(db, second, {"user": principal.user_id})
    perms = organizers.permissions(db, principal, "teams-org")
    assert perms.has("can_create_events")
    assert perms.has("can_change_event_settings", "a")
    assert not perms.has("can_change_event_settings", "c")
    assert not perms.has("can_change_teams")


def test_unknown_organizer_and_outsiders_are_refused(db, organizer):
    with pytest.raises(PermissionDenied):
        organizers.permissions(db, ADMIN, "no-such-org")
    outsider = Principal(kind="user", token_id=1, user_id=10**6)
    assert organizers.permissions(db, outsider, "teams-org").grants == ()
    with pytest.raises(PermissionDenied):
        organizers.visible_organizer(db, outsider, "teams-org")


def test_managing_teams_needs_can_change_teams(db, organizer):
    worker, _ = member(db, organizer, "worker", can_create_events=True)
    with pytest.raises(PermissionDenied):
        teams.managed_organizer(db, worker, "teams-org")
    manager, _ = member(db, organizer, "manager", can_change_teams=True)
    assert teams.managed_organizer(db, manager, "teams-org") is organizer


def test_team_body_validation_messages(db, organizer):
    with pytest.raises(ValidationFailed) as raised:
        teams.create_team(db, organizer, {"can_create_events": "yes", "limit_events": "a"})
    assert raised.value.fields == {
        "name": ["This field is required."],
        "can_create_events": ["Must be a valid boolean."],
        "limit_events": ["Expected a list of event slugs."],
    }


def test_member_errors(db, organizer):
    _, team = member(db, organizer, "m1")
    with pytest.raises(ValidationFailed) as raised:
        teams.add_member(db, team, {"user": 10**6})
    assert raised.value.fields == {"user": [f'Invalid pk "{10**6}" - object does not exist.']}
    with pytest.raises(ValidationFailed):
        teams.add_member(db, team, {"user": "1"})
    with pytest.raises(NotFound):
        teams.remove_member(db, team, 10**6)


def test_deleting_a_team_revokes_its_tokens(db, organizer):
    team = teams.create_team(db, organizer, {"name": "doomed"})
    _, record = teams.create_token(db, team, {"name": "ci"})
    assert teams.delete_team(db, team) == [record.token_hash]
