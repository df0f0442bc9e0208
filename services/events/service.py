"""The events service: RPC entrypoints over the track catalogue, events, meta properties, event
access and playlists. Each entrypoint calls domain modules: ``accounts`` (services/events/access.py)
says what the caller may do, ``announce`` (services/events/announcements.py) dispatches the domain
event of a write, with a snapshot and the event's revision, once the write is committed. A write is
``@rpc(once=True)``: a redelivered request is answered from its record, not run again."""

from __future__ import annotations

from nameko.events import BROADCAST, event_handler

from services.common.base import ServiceBase
from services.common.database import Database, reading
from services.common.errors import PermissionDenied
from services.common.principal import Principal
from services.common.rpc import rpc
from services.events import (
    announcements,
    audit,
    filters,
    idempotency_store,
    meta_properties,
    permissions,
    playlists,
    reads,
    rooms,
    store,
    tracks,
)
from services.events.access import AccountsAccess
from services.events.announcements import Announcements


class EventsService(ServiceBase):
    name = "events"

    db = Database("events")
    accounts = AccountsAccess()  # permissions and users, asked of the accounts service
    announce = Announcements()  # domain events, dispatched once a write commits

    # accounts' changes ------------------------------------------------------------------------
    @event_handler(
        "accounts", "permissions_changed", handler_type=BROADCAST, reliable_delivery=False
    )
    def permissions_changed(self, payload: dict) -> None:
        """Every events process forgets the permissions it cached in the organizer."""
        self.accounts.forget(payload["organizer"])

    # track catalogue ----------------------------------------------------------------------------
    @rpc
    def get_track(self, ref: int | str) -> dict:
        return tracks.track_view(tracks.find_track(self.db, ref))

    @rpc
    def list_tracks(self, offset: int = 0, limit: int = 50, search: str = "") -> dict:
        count, page = tracks.list_tracks(self.db, offset, limit, search)
        return {"count": count, "results": [tracks.track_view(track) for track in page]}

    @rpc(once=True)
    def create_track(self, principal: dict, body: dict) -> dict:
        """Admins, and principals that may create events in some organizer, add tracks."""
        caller = Principal.from_dict(principal)
        if not self.accounts.may_create_events_somewhere(caller):
            raise PermissionDenied()
        track = tracks.create_track(self.db, body)
        audit.record(self.db, caller, "track.created", None, None, {"track": track.id})
        return tracks.track_view(track)

    # events (pretix) ----------------------------------------------------------------------------
    @rpc
    def list_events(
        self, principal: dict, organizer: str, args: dict, offset: int, limit: int
    ) -> dict:
        caller = Principal.from_dict(principal)
        slugs = permissions.listable_slugs(self.accounts.permissions(caller, organizer))
        event_filters = filters.parse_filters(args)
        with reading(self.db) as connection:
            count, page = reads.page(connection, organizer, slugs, event_filters, offset, limit)
        return {"count": count, "results": page}

    @rpc
    def get_event(self, principal: dict, organizer: str, slug: str) -> dict:
        self.accounts.require(
            Principal.from_dict(principal), organizer, "can_change_event_settings", slug
        )
        with reading(self.db) as connection:
            return reads.event(connection, organizer, slug)

    @rpc(once=True)
    def create_event(self, principal: dict, organizer: str, body: dict) -> dict:
        caller = Principal.from_dict(principal)
        self.accounts.require(caller, organizer, "can_create_events")
        event = store.create_event(self.db, organizer, body, caller.user_id)
        audit.record(self.db, caller, "event.created", organizer, event.id, {"slug": event.slug})
        return self.announce.event_changed(self.db, event)

    @rpc(once=True)
    def clone_event(self, principal: dict, organizer: str, slug: str, body: dict) -> dict:
        caller = Principal.from_dict(principal)
        granted = self.accounts.require(caller, organizer, "can_create_events")
        permissions.require(granted, "can_change_event_settings", slug)
        source = store.find_event(self.db, organizer, slug)
        event = store.clone_event(self.db, source, body, caller.user_id)
        audit.record(
            self.db,
            caller,
            "event.cloned",
            organizer,
            event.id,
            {"slug": event.slug, "source": source.id},
        )
        return self.announce.event_changed(self.db, event)

    @rpc(once=True)
    def update_event(
        self, principal: dict, organizer: str, slug: str, body: dict, partial: bool
    ) -> dict:
        caller = Principal.from_dict(principal)
        event = store.update_event(
            self.db,
            self.accounts.event_to_change(self.db, caller, organizer, slug, True),
            body,
            partial,
        )
        audit.record(
            self.db, caller, "event.changed", organizer, event.id, {"fields": sorted(body)}
        )
        return self.announce.event_changed(self.db, event)

    @rpc(once=True)
    def delete_event(self, principal: dict, organizer: str, slug: str) -> None:
        caller = Principal.from_dict(principal)
        event = self.accounts.event_to_change(self.db, caller, organizer, slug, True)
        event_id, revision = event.id, event.revision + 1
        store.delete_event(self.db, event)
        audit.record(self.db, caller, "event.deleted", organizer, event_id, {"slug": slug})
        self.announce.event_deleted(self.db, event_id, revision)

    # organizer meta properties ------------------------------------------------------------------
    @rpc
    def list_meta_properties(self, principal: dict, organizer: str) -> list[dict]:
        permissions.member_of(self.accounts.permissions(Principal.from_dict(principal), organizer))
        return [
            meta_properties.property_view(prop)
            for prop in meta_properties.of_organizer(self.db, organizer)
        ]

    @rpc
    def get_meta_property(self, principal: dict, organizer: str, property_id: int) -> dict:
        permissions.member_of(self.accounts.permissions(Principal.from_dict(principal), organizer))
        return meta_properties.property_view(
            meta_properties.find_property(self.db, organizer, property_id)
        )

    @rpc(once=True)
    def create_meta_property(self, principal: dict, organizer: str, body: dict) -> dict:
        caller = Principal.from_dict(principal)
        self.accounts.require(caller, organizer, "can_change_teams")
        audit.record(self.db, caller, "meta_property.created", organizer, None, body)
        return meta_properties.property_view(
            meta_properties.create_property(self.db, organizer, body)
        )

    @rpc(once=True)
    def update_meta_property(
        self, principal: dict, organizer: str, property_id: int, body: dict, partial: bool
    ) -> dict:
        caller = Principal.from_dict(principal)
        self.accounts.require(caller, organizer, "can_change_teams")
        audit.record(
            self.db, caller, "meta_property.changed", organizer, None, {"id": property_id, **body}
        )
        prop = meta_properties.find_property(self.db, organizer, property_id)
        return meta_properties.property_view(
            meta_properties.update_property(self.db, prop, body, partial)
        )

    @rpc(once=True)
    def delete_meta_property(self, principal: dict, organizer: str, property_id: int) -> None:
        caller = Principal.from_dict(principal)
        self.accounts.require(caller, organizer, "can_change_teams")
        audit.record(self.db, caller, "meta_property.deleted", organizer, None, {"id": property_id})
        meta_properties.delete_property(
            self.db, meta_properties.find_property(self.db, organizer, property_id)
        )

    # idempotency keys (called by the gateway around writes) -------------------------------------
    @rpc(once=True)
    def idempotency_claim(self, credential: str, key: str, fingerprint: str) -> dict | None:
        return idempotency_store.claim(self.db, credential, key, fingerprint)

    @rpc(once=True)
    def idempotency_store(self, credential: str, key: str, status: int, body: str) -> None:
        idempotency_store.store(self.db, credential, key, status, body)

    @rpc(once=True)
    def idempotency_release(self, credential: str, key: str) -> None:
        idempotency_store.release(self.db, credential, key)

    # event room (API.md §4) ---------------------------------------------------------------------
    @rpc
    def room_role(self, principal: dict, event_id: int) -> str:
        return self.accounts.room(self.db, Principal.from_dict(principal), event_id, "guest")[1]

    @rpc
    def room_snapshot(self, principal: dict, event_id: int) -> dict:
        event, _ = self.accounts.room(self.db, Principal.from_dict(principal), event_id, "guest")
        return announcements.room_state(self.db, event)

    @rpc(once=True)
    def add_track(self, principal: dict, event_id: int, track_id: int) -> None:
        caller = Principal.from_dict(principal)
        event, _ = self.accounts.room(self.db, caller, event_id, "moderator")
        track = tracks.find_track(self.db, track_id)
        playlists.add_track(event.playlist, track)
        self.announce.playlist_changed(self.db, caller, event, "add", track)

    @rpc(once=True)
    def remove_track(self, principal: dict, event_id: int, track_id: int) -> None:
        caller = Principal.from_dict(principal)
        event, _ = self.accounts.room(self.db, caller, event_id, "moderator")
        track = tracks.find_track(self.db, track_id)
        playlists.remove_track(event.playlist, track)
        self.announce.playlist_changed(self.db, caller, event, "remove", track)

    @rpc(once=True)
    def change_event(
        self,
        principal: dict,
        event_id: int,
        event_name: str | None = None,
        event_access_type: str | None = None,
    ) -> None:
        caller = Principal.from_dict(principal)
        event, _ = self.accounts.room(self.db, caller, event_id, "administrator")
        rooms.change_event(event, event_name, event_access_type)
        self.announce.room_event_changed(
            self.db,
            caller,
            event,
            {"event_name": event_name, "event_access_type": event_access_type},
        )

    @rpc(once=True)
    def invite_to_event(self, principal: dict, event_id: int, user_id: int) -> None:
        caller = Principal.from_dict(principal)
        event, user = self.accounts.room_member(self.db, caller, event_id, user_id)
        rooms.invite(event, user["id"])
        self.announce.access_changed(self.db, caller, event, user["id"], "guest")

    @rpc(once=True)
    def revoke_from_event(self, principal: dict, event_id: int, user_id: int) -> None:
        caller = Principal.from_dict(principal)
        event, user = self.accounts.room_member(self.db, caller, event_id, user_id)
        rooms.revoke(event, user["id"])
        self.announce.access_changed(self.db, caller, event, user["id"], None)

    @rpc(once=True)
    def change_user_access_mode(
        self, principal: dict, event_id: int, user_id: int, access_mode: str
    ) -> None:
        caller = Principal.from_dict(principal)
        event, _ = self.accounts.room(self.db, caller, event_id, "administrator")
        mode = rooms.access_mode(access_mode)
        user = self.accounts.find_user(user_id)
        rooms.change_mode(event, user["id"], mode)
        self.announce.access_changed(self.db, caller, event, user["id"], mode)
