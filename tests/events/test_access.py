"""services/events/access.py: the accounts service asked what a principal may do."""

import pytest

from services.common.errors import NotFound, PermissionDenied
from services.common.permissions import OrganizerPermissions, TeamGrant
from services.common.principal import Principal
from services.events.access import Access, permissions_cache

ALICE = Principal(kind="user", token_id=1, user_id=7, username="alice")
TEAM = Principal(kind="team", token_id=2, team_id=3, organizer="org-b")


class FakeAccounts:
    """The accounts service's methods that Access calls, over fixed grants."""

    def __init__(self, grants: dict[str, tuple[TeamGrant, ...]]) -> None:
        self.grants = grants
        self.asked: list[str] = []

    def permissions(self, principal: dict, organizer: str) -> dict:
        self.asked.append(organizer)
        if organizer not in self.grants:
            raise PermissionDenied()
        return OrganizerPermissions(organizer, grants=self.grants[organizer]).to_dict()

    def list_organizers(self, principal: dict) -> list[dict]:
        return [{"slug": slug} for slug in self.grants]

    def find_user(self, user_id: int) -> dict:
        if user_id != 7:
            raise NotFound("no such user")
        return {"id": 7, "username": "alice"}


def access_over(accounts: FakeAccounts) -> Access:
    return Access(accounts, permissions_cache())


def test_require_gives_the_permissions_or_pretix_403():
    access = access_over(FakeAccounts({"org-a": (TeamGrant(can_create_events=True),)}))
    assert access.require(ALICE, "org-a", "can_create_events").organizer == "org-a"
    with pytest.raises(PermissionDenied):
        access.require(ALICE, "org-a", "can_change_teams")
    with pytest.raises(PermissionDenied):
        access.require(ALICE, "unknown", "can_create_events")


def test_organizer_grants_are_none_where_there_are_none():
    access = access_over(FakeAccounts({"org-a": ()}))
    assert access.organizer_grants(ALICE, "org-a") is not None
    assert access.organizer_grants(ALICE, "gone") is None


def test_who_may_create_events_somewhere():
    creators = {"org-a": (), "org-b": (TeamGrant(can_create_events=True),)}
    assert access_over(FakeAccounts(creators)).may_create_events_somewhere(ALICE)
    assert access_over(FakeAccounts(creators)).may_create_events_somewhere(TEAM)
    assert not access_over(FakeAccounts({"org-a": ()})).may_create_events_somewhere(ALICE)
    admin = Principal(kind="user", token_id=3, user_id=1, is_admin=True)
    assert access_over(FakeAccounts({})).may_create_events_somewhere(admin)


def test_find_user_says_user_not_found():
    access = access_over(FakeAccounts({}))
    assert access.find_user(7)["username"] == "alice"
    with pytest.raises(NotFound, match="User not found"):
        access.find_user(8)


def test_permissions_are_asked_once_until_accounts_changes_the_organizer():
    accounts = FakeAccounts({"org-a": (), "org-b": ()})
    access = access_over(accounts)
    for _ in range(3):
        access.permissions(ALICE, "org-a")
        access.permissions(TEAM, "org-a")
    access.permissions(ALICE, "org-b")
    assert accounts.asked == ["org-a", "org-a", "org-b"]
    access.forget("org-a")
    access.permissions(ALICE, "org-a")
    access.permissions(ALICE, "org-b")
    assert accounts.asked == ["org-a", "org-a", "org-b", "org-a"]


def test_a_refusal_is_asked_again():
    accounts = FakeAccounts({})
    access = access_over(accounts)
    for _ in range(2):
        with pytest.raises(PermissionDenied):
            access.permissions(ALICE, "org-a")
    assert accounts.asked == ["org-a", "org-a"]


def test_an_admin_flag_is_part_of_who_asks():
    accounts = FakeAccounts({"org-a": ()})
    access = access_over(accounts)
    access.permissions(ALICE, "org-a")
    access.permissions(Principal(kind="user", token_id=1, user_id=7, is_admin=True), "org-a")
    assert accounts.asked == ["org-a", "org-a"]
