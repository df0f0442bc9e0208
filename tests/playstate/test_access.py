"""Whose play state a caller may touch, and the item cache."""

import pytest

from services.common.errors import NotFound, PermissionDenied
from services.common.principal import Principal
from services.playstate.access import caller_id, playing_user, user_data_owner
from services.playstate.items import ItemCache
from services.playstate.rules import Item

ME, OTHER = "a" * 32, "b" * 32
USER = Principal(kind="user", token_id=1, user_id=1, user_uuid=ME)
ADMIN = Principal(kind="user", token_id=2, user_id=2, user_uuid="c" * 32, is_admin=True)
TEAM = Principal(kind="team", token_id=3, team_id=1, organizer="org")


def no_lookup(user_id):
    raise AssertionError("not looked up")


def test_own_data():
    assert user_data_owner(USER, None, no_lookup) == ME
    assert user_data_owner(USER, ME, no_lookup) == ME
    assert playing_user(USER, None) == ME and playing_user(USER, ME) == ME


def test_other_users_data_needs_an_admin():
    with pytest.raises(PermissionDenied):
        user_data_owner(USER, OTHER, no_lookup)
    assert user_data_owner(ADMIN, OTHER, lambda user_id: {"uuid": user_id}) == OTHER


def test_admin_on_unknown_user_404():
    def missing(user_id):
        raise NotFound("User not found.")

    with pytest.raises(NotFound):
        user_data_owner(ADMIN, OTHER, missing)


def test_playing_only_for_oneself_and_never_teams():
    with pytest.raises(PermissionDenied):
        playing_user(ADMIN, OTHER)
    with pytest.raises(PermissionDenied, match="team token"):
        caller_id(TEAM)


def test_item_cache_fetches_once_and_not_missing_ones():
    now = [0.0]
    calls = []

    def fetch(item_id):
        calls.append(item_id)
        if item_id == OTHER:
            raise NotFound("Track not found")
        return {
            "id": 3,
            "uuid": item_id,
            "name": "Song",
            "artist": "Band",
            "duration": 200,
            "resumable": True,
        }

    cache = ItemCache(ttl=60, clock=lambda: now[0])
    item = Item(ME, 2_000_000_000, True, name="Song", artist="Band", track=3)
    assert cache.get(ME, fetch) == item
    assert cache.get(ME, fetch) == item
    with pytest.raises(NotFound, match="Item not found."):
        cache.get(OTHER, fetch)
    with pytest.raises(NotFound):
        cache.get(OTHER, fetch)
    now[0] = 61
    cache.get(ME, fetch)
    assert calls == [ME, OTHER, OTHER, ME]
