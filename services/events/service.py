"""The events service: RPC entrypoints over the track catalogue, events, meta properties, event
access and playlists. Each entrypoint calls domain modules. A write is ``@rpc(once=True)`` (a
redelivered request is answered from its record, not run again); it dispatches its domain event,
with a snapshot and the event's revision, once the write is committed."""

from __future__ import annotations

from typing import Any

from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy

from services.common.database import Database, after_commit
from services.common.base import ServiceBase
from services.common.errors import NotFound, PermissionDenied
from services.common.permissions import OrganizerPermissions
from services.common.principal import Principal
from services.common.rpc import rpc
from services.events import (audit, filters, idempotency, meta_properties, permissions,
                             playlists, rooms, store, tracks)
from services.events.models import Event
from services.events.views import event_snapshot, event_view, playlist_snapshot


class EventsService(ServiceBase):
    name = "events"

    db = Database("events")
    accounts = RpcProxy("accounts")
    dispatch = EventDispatcher()

    # helpers ------------------------------------------------------------------------------------
    def _permissions(self, principal: Principal, organizer: str) -> OrganizerPermissions:
        """The principal's permissions in `organizer` (PermissionDenied for an unknown one)."""
        return OrganizerPermissions.from_dict(
            self.accounts.permissions(principal.to_dict(), organizer))

    def _may_create_events_somewhere(self, principal: Principal) -> bool:
        if principal.is_admin:
            return True
        organizers = ([principal.organizer] if not principal.is_user else
                      [o["slug"] for o in self.accounts.list_organizers(principal.to_dict())])
        return any(self._permissions(principal, slug).has("can_create_events")
                   for slug in organizers if slug)

    def _view(self, event: Event) -> dict:
        return event_view(event, meta_properties.of_organizer(self.db, event.organizer))

    def _snapshot(self, event: Event) -> dict:
        return event_snapshot(event, self._view(event))

    def _announce(self, kind: str, payload: dict) -> None:
        """Tell the other services once the write is committed (can no longer be rolled back)."""
        after_commit(self.db, lambda: self.dispatch(kind, payload))

    def _announce_event(self, event: Event) -> dict:
        """Dispatch ``event_changed`` after the commit; returns the REST view of the event."""
        view = self._view(event)
        self._announce("event_changed", {"event_id": event.id,
                                                    "revision": event.revision,
                                                    "event": event_snapshot(event, view)})
        return view

    def _event_for(self, principal: Principal, organizer: str, slug: str,
                   for_update: bool = False) -> Event:
        """An event the principal may change (pretix's one 403 for anything else); locked for a
        write, so that its revision counts every change."""
        permissions.require(self._permissions(principal, organizer), "can_change_event_settings",
                            slug)
        return store.find_event(self.db, organizer, slug, for_update)

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
        if not self._may_create_events_somewhere(caller):
            raise PermissionDenied()
        track = tracks.create_track(self.db, body)
        audit.record(self.db, caller, "track.created", None, None, {"track": track.id})
        return tracks.track_view(track)

    # events (pretix) ----------------------------------------------------------------------------
    @rpc
    def list_events(self, principal: dict, organizer: str, args: dict, offset: int,
                    limit: int) -> dict:
        slugs = permissions.listable_slugs(self._permissions(Principal.from_dict(principal),
                                                             organizer))
        event_filters = filters.parse_filters(args)
        properties = meta_properties.of_organizer(self.db, organizer)
        count, page = store.list_events(self.db, organizer, slugs, event_filters, properties,
                                        offset, limit)
        return {"count": count, "results": [event_view(event, properties) for event in page]}

    @rpc
    def get_event(self, principal: dict, organizer: str, slug: str) -> dict:
        return self._view(self._event_for(Principal.from_dict(principal), organizer, slug))

    @rpc(once=True)
    def create_event(self, principal: dict, organizer: str, body: dict) -> dict:
        caller = Principal.from_dict(principal)
        permissions.require(self._permissions(caller, organizer), "can_create_events")
        event = store.create_event(self.db, organizer, body, caller.user_id)
        audit.record(self.db, caller, "event.created", organizer, event.id, {"slug": event.slug})
        return self._announce_event(event)

    @rpc(once=True)
    def clone_event(self, principal: dict, organizer: str, slug: str, body: dict) -> dict:
        caller = Principal.from_dict(principal)
        granted = self._permissions(caller, organizer)
        permissions.require(granted, "can_create_events")
        permissions.require(granted, "can_change_event_settings", slug)
        source = store.find_event(self.db, organizer, slug)
        event = store.clone_event(self.db, source, body, caller.user_id)
        audit.record(self.db, caller, "event.cloned", organizer, event.id,
                     {"slug": event.slug, "source": source.id})
        return self._announce_event(event)

    @rpc(once=True)
    def update_event(self, principal: dict, organizer: str, slug: str, body: dict,
                     partial: bool) -> dict:
        caller = Principal.from_dict(principal)
        event = store.update_event(self.db, self._event_for(caller, organizer, slug, True), body,
                                   partial)
        audit.record(self.db, caller, "event.changed", organizer, event.id,
                     {"fields": sorted(body)})
        return self._announce_event(event)

    @rpc(once=True)
    def delete_event(self, principal: dict, organizer: str, slug: str) -> None:
        caller = Principal.from_dict(principal)
        event = self._event_for(caller, organizer, slug, True)
        event_id, revision = event.id, event.revision + 1
        store.delete_event(self.db, event)
        audit.record(self.db, caller, "event.deleted", organizer, event_id, {"slug": slug})
        self._announce("event_deleted", {"event_id": event_id, "revision": revision})

    # organizer meta properties ------------------------------------------------------------------
    @rpc
    def list_meta_properties(self, principal: dict, organizer: str) -> list[dict]:
        permissions.member_of(self._permissions(Principal.from_dict(principal), organizer))
        return [meta_properties.property_view(prop)
                for prop in meta_properties.of_organizer(self.db, organizer)]

    @rpc
    def get_meta_property(self, principal: dict, organizer: str, property_id: int) -> dict:
        permissions.member_of(self._permissions(Principal.from_dict(principal), organizer))
        return meta_properties.property_view(
            meta_properties.find_property(self.db, organizer, property_id))

    def _manage_properties(self, principal: dict, organizer: str, action: str,
                           data: dict) -> None:
        caller = Principal.from_dict(principal)
        permissions.require(self._permissions(caller, organizer), "can_change_teams")
        audit.record(self.db, caller, action, organizer, None, data)

    @rpc(once=True)
    def create_meta_property(self, principal: dict, organizer: str, body: dict) -> dict:
        self._manage_properties(principal, organizer, "meta_property.created", body)
        return meta_properties.property_view(
            meta_properties.create_property(self.db, organizer, body))

    @rpc(once=True)
    def update_meta_property(self, principal: dict, organizer: str, property_id: int,
                             body: dict, partial: bool) -> dict:
        self._manage_properties(principal, organizer, "meta_property.changed",
                                {"id": property_id, **body})
        prop = meta_properties.find_property(self.db, organizer, property_id)
        return meta_properties.property_view(
            meta_properties.update_property(self.db, prop, body, partial))

    @rpc(once=True)
    def delete_meta_property(self, principal: dict, organizer: str, property_id: int) -> None:
        self._manage_properties(principal, organizer, "meta_property.deleted",
                                {"id": property_id})
        meta_properties.delete_property(
            self.db, meta_properties.find_property(self.db, organizer, property_id))

    # idempotency keys (called by the gateway around writes) -------------------------------------
    @rpc(once=True)
    def idempotency_claim(self, credential: str, key: str, fingerprint: str) -> dict | None:
        return idempotency.claim(self.db, credential, key, fingerprint)

    @rpc(once=True)
    def idempotency_store(self, credential: str, key: str, status: int, body: str) -> None:
        idempotency.store(self.db, credential, key, status, body)

    @rpc(once=True)
    def idempotency_release(self, credential: str, key: str) -> None:
        idempotency.release(self.db, credential, key)

    # event room (API.md §4) ---------------------------------------------------------------------
    def _room(self, principal: dict, event_id: int, minimum: str) -> tuple[Principal, Event, str]:
        """The caller, the event and the caller's role, which must be at least `minimum`."""
        caller = Principal.from_dict(principal)
        event = store.event_by_id(self.db, event_id, for_update=minimum != "guest")
        role = rooms.room_role(event, caller, lambda: self._organizer_grants(caller, event))
        rooms.require_role(role, minimum)
        return caller, event, role

    def _organizer_grants(self, caller: Principal, event: Event) -> OrganizerPermissions | None:
        try:
            return self._permissions(caller, event.organizer)
        except PermissionDenied:
            return None

    def _find_user(self, user_id: Any) -> dict:
        try:
            return self.accounts.find_user(user_id)
        except NotFound:
            raise NotFound("User not found") from None

    def _access_changed(self, caller: Principal, event: Event, user_id: int,
                        mode: str | None) -> None:
        store.bump(event)
        audit.record(self.db, caller, "access.changed", event.organizer, event.id,
                     {"user_id": user_id, "access_mode": mode})
        self.db.flush()
        self._announce("access_changed", {
            "event_id": event.id, "revision": event.revision, "event": self._snapshot(event),
            "user_id": user_id, "access_mode": mode})

    def _playlist_changed(self, caller: Principal, event: Event, action: str,
                          track: Any) -> None:
        store.bump(event)
        audit.record(self.db, caller, f"playlist.{action}", event.organizer, event.id,
                     {"track": track.id})
        self.db.flush()
        self._announce("playlist_changed", {
            "event_id": event.id, "revision": event.revision,
            "playlist": playlist_snapshot(event.playlist),
            "change": {"action": action, "username": caller.username or "",
                       "track_name": track.name}})

    @rpc
    def room_role(self, principal: dict, event_id: int) -> str:
        return self._room(principal, event_id, "guest")[2]

    @rpc
    def room_snapshot(self, principal: dict, event_id: int) -> dict:
        event = self._room(principal, event_id, "guest")[1]
        return {"event": self._snapshot(event), "playlist": playlist_snapshot(event.playlist),
                "revision": event.revision}

    @rpc(once=True)
    def add_track(self, principal: dict, event_id: int, track_id: int) -> None:
        caller, event, _ = self._room(principal, event_id, "moderator")
        track = tracks.find_track(self.db, track_id)
        playlists.add_track(event.playlist, track)
        self._playlist_changed(caller, event, "add", track)

    @rpc(once=True)
    def remove_track(self, principal: dict, event_id: int, track_id: int) -> None:
        caller, event, _ = self._room(principal, event_id, "moderator")
        track = tracks.find_track(self.db, track_id)
        playlists.remove_track(event.playlist, track)
        self._playlist_changed(caller, event, "remove", track)

    @rpc(once=True)
    def change_event(self, principal: dict, event_id: int, event_name: str | None = None,
                     event_access_type: str | None = None) -> None:
        caller, event, _ = self._room(principal, event_id, "administrator")
        rooms.change_event(event, event_name, event_access_type)
        store.bump(event)
        audit.record(self.db, caller, "event.changed", event.organizer, event.id,
                     {"event_name": event_name, "event_access_type": event_access_type})
        self.db.flush()
        self._announce_event(event)

    @rpc(once=True)
    def invite_to_event(self, principal: dict, event_id: int, user_id: int) -> None:
        caller, event, _ = self._room(principal, event_id, "moderator")
        user = self._find_user(user_id)
        rooms.invite(event, user["id"])
        self._access_changed(caller, event, user["id"], "guest")

    @rpc(once=True)
    def revoke_from_event(self, principal: dict, event_id: int, user_id: int) -> None:
        caller, event, _ = self._room(principal, event_id, "moderator")
        user = self._find_user(user_id)
        rooms.revoke(event, user["id"])
        self._access_changed(caller, event, user["id"], None)

    @rpc(once=True)
    def change_user_access_mode(self, principal: dict, event_id: int, user_id: int,
                                access_mode: str) -> None:
        caller, event, _ = self._room(principal, event_id, "administrator")
        mode = rooms.access_mode(access_mode)
        user = self._find_user(user_id)
        rooms.change_mode(event, user["id"], mode)
        self._access_changed(caller, event, user["id"], mode)
