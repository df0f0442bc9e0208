"""The events service: RPC entrypoints over the track catalogue, events, meta properties, event
access and playlists. Each entrypoint calls domain modules; writes commit before they dispatch."""

from __future__ import annotations

from nameko.rpc import RpcProxy

from services.common.database import Database
from services.common.errors import PermissionDenied
from services.common.health import HealthRpc
from services.common.permissions import OrganizerPermissions
from services.common.principal import Principal
from services.common.rpc import rpc
from services.events import tracks


class EventsService(HealthRpc):
    name = "events"

    db = Database("events")
    accounts = RpcProxy("accounts")

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

    # track catalogue ----------------------------------------------------------------------------
    @rpc
    def get_track(self, ref: int | str) -> dict:
        return tracks.track_view(tracks.find_track(self.db, ref))

    @rpc
    def list_tracks(self, offset: int = 0, limit: int = 50) -> dict:
        count, page = tracks.list_tracks(self.db, offset, limit)
        return {"count": count, "results": [tracks.track_view(track) for track in page]}

    @rpc
    def create_track(self, principal: dict, body: dict) -> dict:
        """Admins, and principals that may create events in some organizer, add tracks."""
        if not self._may_create_events_somewhere(Principal.from_dict(principal)):
            raise PermissionDenied()
        return tracks.track_view(tracks.create_track(self.db, body))
