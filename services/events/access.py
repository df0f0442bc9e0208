"""What a principal may do in the events service, as the accounts service says: the ``accounts``
dependency of the events service (nameko-examples' ``Storage`` pattern: a dependency provider
that hands each worker a small object with domain methods, here around the accounts RPC proxy).

A principal's permissions in an organizer are cached per process for
``PERMISSIONS_CACHE_SECONDS``, and dropped at once when accounts announces
``permissions_changed`` for the organizer (the events service hears it before any request sent
after the change was answered: docs/events.md).

:class:`Access` is plain Python; tests give it any object with the accounts service's methods.
"""

from __future__ import annotations

from typing import Any

from nameko.rpc import RpcProxy
from sqlalchemy.orm import Session

from services.common import config
from services.common.errors import NotFound, PermissionDenied
from services.common.expiring_cache import ExpiringCache
from services.common.permissions import OrganizerPermissions, Permission
from services.common.principal import Principal
from services.events import permissions, rooms, store
from services.events.models import Event

#: (organizer, who) → the permissions accounts gave; who is a user (with its admin flag, which
#: the principal carries) or a team
PermissionsKey = tuple[str, str, int | None, bool]
PermissionsCache = ExpiringCache[PermissionsKey, OrganizerPermissions]


def permissions_cache() -> PermissionsCache:
    return PermissionsCache(ttl=config.PERMISSIONS_CACHE_SECONDS.value())


def permissions_key(principal: Principal, organizer: str) -> PermissionsKey:
    if principal.is_user:
        return (organizer, "user", principal.user_id, principal.is_admin)
    return (organizer, "team", principal.team_id, False)


class Access:
    """The accounts service (`accounts`, an RPC proxy) asked about one principal at a time, its
    answers on permissions kept in `cache`."""

    def __init__(self, accounts: Any, cache: PermissionsCache) -> None:
        self.accounts = accounts
        self.cache = cache

    def permissions(self, principal: Principal, organizer: str) -> OrganizerPermissions:
        """The principal's permissions in `organizer` (PermissionDenied for an unknown one)."""
        return self.cache.load(
            permissions_key(principal, organizer),
            lambda: OrganizerPermissions.from_dict(
                self.accounts.permissions(principal.to_dict(), organizer)
            ),
        )

    def forget(self, organizer: str) -> None:
        """Accounts changed permissions in `organizer`: ask again."""
        self.cache.drop_where(lambda key: key[0] == organizer)

    def require(
        self, principal: Principal, organizer: str, permission: Permission, event: str | None = None
    ) -> OrganizerPermissions:
        """The principal's permissions in `organizer`, which must grant `permission` (on `event`):
        pretix's one 403 otherwise."""
        granted = self.permissions(principal, organizer)
        permissions.require(granted, permission, event)
        return granted

    def organizer_grants(self, principal: Principal, organizer: str) -> OrganizerPermissions | None:
        """:meth:`permissions`, or None where the principal has none (or the organizer is gone)."""
        try:
            return self.permissions(principal, organizer)
        except PermissionDenied:
            return None

    def may_create_events_somewhere(self, principal: Principal) -> bool:
        """Admins, and principals with can_create_events in some organizer (who add tracks)."""
        if principal.is_admin:
            return True
        organizers = (
            [principal.organizer]
            if not principal.is_user
            else [o["slug"] for o in self.accounts.list_organizers(principal.to_dict())]
        )
        return any(
            self.permissions(principal, slug).has("can_create_events")
            for slug in organizers
            if slug
        )

    def find_user(self, user_id: Any) -> dict[str, Any]:
        """The user's record; NotFound("User not found") for none."""
        try:
            user: dict[str, Any] = self.accounts.find_user(user_id)
        except NotFound:
            raise NotFound("User not found") from None
        return user

    def event_to_change(
        self, db: Session, principal: Principal, organizer: str, slug: str, for_update: bool = False
    ) -> Event:
        """An event the principal may change (pretix's one 403 for anything else); locked for a
        write, so that its revision counts every change."""
        self.require(principal, organizer, "can_change_event_settings", slug)
        return store.find_event(db, organizer, slug, for_update)

    def room(
        self, db: Session, principal: Principal, event_id: int, minimum: str
    ) -> tuple[Event, str]:
        """An event's room and the principal's role there, which must be at least `minimum`
        (API.md §4); locked for a write (any `minimum` above guest)."""
        event = store.event_by_id(db, event_id, for_update=minimum != "guest")
        role = rooms.room_role(
            event, principal, lambda: self.organizer_grants(principal, event.organizer)
        )
        rooms.require_role(role, minimum)
        return event, role

    def room_member(
        self, db: Session, principal: Principal, event_id: int, user_id: Any
    ) -> tuple[Event, dict[str, Any]]:
        """For ``invite_to_event`` / ``revoke_from_event``: the room (the caller at least a
        moderator) and the user acted on, whom a moderator may not touch when an administrator."""
        event, role = self.room(db, principal, event_id, "moderator")
        user = self.find_user(user_id)
        target = rooms.member_role(
            event, user, lambda member: self.organizer_grants(member, event.organizer)
        )
        rooms.require_may_manage(role, target)
        return event, user


class AccountsAccess(RpcProxy):
    """``accounts = AccountsAccess()``: each worker gets an :class:`Access` over the proxy, with
    the process's one permissions cache."""

    def __init__(self) -> None:
        super().__init__("accounts")

    def setup(self) -> None:
        super().setup()
        self.cache = permissions_cache()

    def get_dependency(self, worker_ctx: Any) -> Access:
        return Access(super().get_dependency(worker_ctx), self.cache)
