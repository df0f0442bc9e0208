"""Whose play state a caller may touch (API.md §3): their own, an admin anyone's; team tokens none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from services.common.errors import PermissionDenied
from services.common.principal import Principal
from services.playstate.guids import optional_guid, parse_guid
from services.playstate.rules import Item


def caller_id(principal: Principal) -> str:
    """The caller's user GUID; a team token is no user (403)."""
    if not principal.is_user or not principal.user_uuid:
        raise PermissionDenied("A team token is not a user.")
    return parse_guid(principal.user_uuid, "userId")


def user_data_owner(
    principal: Principal, user_id: str | None, find_user: Callable[[str], Any]
) -> str:
    """The user whose item data is read or marked: `user_id` (absent: the caller). Another user's
    only for an admin (403 otherwise), and then it must exist (`find_user` raises NotFound)."""
    me = caller_id(principal)
    if user_id is None or user_id == me:
        return me
    if not principal.is_admin:
        raise PermissionDenied("You may only change your own play state.")
    find_user(user_id)
    return user_id


def owned_item(
    principal: dict[str, Any],
    user_id: str | None,
    item_id: str,
    find_user: Callable[[str], Any],
    items: Callable[[str], Item],
) -> tuple[str, Item]:
    """(owner, item) of a user-data route: the item's id checked first, then whose data it is
    (:func:`user_data_owner`), then the item (`items` raises NotFound)."""
    item_key = parse_guid(item_id, "itemId")
    owner = user_data_owner(
        Principal.from_dict(principal), optional_guid(user_id, "userId"), find_user
    )
    return owner, items(item_key)


def playing_user(principal: Principal, user_id: str | None) -> str:
    """On the PlayingItems routes the path user must be the caller, admin or not."""
    me = caller_id(principal)
    if user_id is not None and user_id != me:
        raise PermissionDenied("Playback can only be reported for yourself.")
    return me
