"""Routes of API.md §2 (pretix's events resource), organizer meta properties and the track
catalogue. Each handler authenticates, reads the body, and makes one RPC to events; every write
honours an idempotency key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from gateway.bodies import json_object
from gateway.http import route
from gateway.idempotency_keys import idempotent
from gateway.pagination import PAGE_SIZE, page_body, page_number, paginate
from gateway.responses import json_response
from gateway.routes.base import RouteBase
from services.common.errors import NotFound

TRACKS = "/api/v1/tracks/"
EVENTS = "/api/v1/organizers/<organizer>/events/"
EVENT = EVENTS + "<event>/"
META = "/api/v1/organizers/<organizer>/meta_properties/"
META_PROPERTY = META + "<int:property_id>/"


def _offset(page: int | None) -> int:
    return ((page or 1) - 1) * PAGE_SIZE


class EventRoutes(RouteBase):
    """Mixin of the gateway service: the events service's routes."""

    def _paged(
        self, request: Request, fetch: Callable[[int, int], dict[str, Any]]
    ) -> dict[str, Any]:
        """One page from ``fetch(offset, limit)``; a bad page is 404 after the permission check
        that `fetch` makes, as pretix orders them."""
        try:
            page: int | None = page_number(request)
        except NotFound:
            page = None
        found = fetch(_offset(page), PAGE_SIZE)
        if page is None:
            raise NotFound("Invalid page.")
        return page_body(request, page, found["count"], found["results"])

    # track catalogue ----------------------------------------------------------------------------
    @route("GET", TRACKS)
    def list_tracks(self, request: Request) -> Any:
        self._caller(request)
        search = request.args.get("search", "")
        return self._paged(
            request, lambda offset, limit: self.events.list_tracks(offset, limit, search)
        )

    @route("POST", TRACKS)
    @idempotent
    def create_track(self, request: Request) -> Any:
        principal = self._caller(request)
        return json_response(self.events.create_track(principal, json_object(request)), 201)

    @route("GET", TRACKS + "<ref>/")
    def get_track(self, request: Request, ref: str) -> Any:
        self._caller(request)
        return self.events.get_track(ref)

    # events -------------------------------------------------------------------------------------
    @route("GET", EVENTS)
    def list_events(self, request: Request, organizer: str) -> Any:
        principal = self._caller(request)
        args = request.args.to_dict()
        return self._paged(
            request,
            lambda offset, limit: self.events.list_events(
                principal, organizer, args, offset, limit
            ),
        )

    @route("POST", EVENTS)
    @idempotent
    def create_event(self, request: Request, organizer: str) -> Any:
        principal = self._caller(request)
        created = self.events.create_event(principal, organizer, json_object(request))
        return json_response(created, 201)

    @route("GET", EVENT)
    def get_event(self, request: Request, organizer: str, event: str) -> Any:
        return self.events.get_event(self._caller(request), organizer, event)

    @route("PATCH,PUT", EVENT)
    @idempotent
    def update_event(self, request: Request, organizer: str, event: str) -> Any:
        principal = self._caller(request)
        return self.events.update_event(
            principal, organizer, event, json_object(request), request.method == "PATCH"
        )

    @route("DELETE", EVENT)
    @idempotent
    def delete_event(self, request: Request, organizer: str, event: str) -> Any:
        self.events.delete_event(self._caller(request), organizer, event)

    @route("POST", EVENT + "clone/")
    @idempotent
    def clone_event(self, request: Request, organizer: str, event: str) -> Any:
        principal = self._caller(request)
        cloned = self.events.clone_event(principal, organizer, event, json_object(request))
        return json_response(cloned, 201)

    # organizer meta properties ------------------------------------------------------------------
    @route("GET", META)
    def list_meta_properties(self, request: Request, organizer: str) -> Any:
        return paginate(request, self.events.list_meta_properties(self._caller(request), organizer))

    @route("POST", META)
    @idempotent
    def create_meta_property(self, request: Request, organizer: str) -> Any:
        principal = self._caller(request)
        created = self.events.create_meta_property(principal, organizer, json_object(request))
        return json_response(created, 201)

    @route("GET", META_PROPERTY)
    def get_meta_property(self, request: Request, organizer: str, property_id: int) -> Any:
        return self.events.get_meta_property(self._caller(request), organizer, property_id)

    @route("PATCH,PUT", META_PROPERTY)
    @idempotent
    def update_meta_property(self, request: Request, organizer: str, property_id: int) -> Any:
        principal = self._caller(request)
        return self.events.update_meta_property(
            principal, organizer, property_id, json_object(request), request.method == "PATCH"
        )

    @route("DELETE", META_PROPERTY)
    @idempotent
    def delete_meta_property(self, request: Request, organizer: str, property_id: int) -> Any:
        self.events.delete_meta_property(self._caller(request), organizer, property_id)
