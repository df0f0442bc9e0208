"""Routes of API.md §2 (pretix's events resource), organizer meta properties and the track
catalogue. Each handler authenticates, reads the body, and makes one RPC to events."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from gateway.bodies import json_object
from gateway.http import route
from gateway.pagination import PAGE_SIZE, page_body, page_number
from gateway.responses import json_response

TRACKS = "/api/v1/tracks/"


class EventRoutes:
    """Mixin of the gateway service; expects ``events`` (RpcProxy) and ``auth`` (Auth)."""

    events: Any
    auth: Any

    def _caller(self, request: Request) -> dict:
        return self.auth.request_principal(request).to_dict()

    # track catalogue ----------------------------------------------------------------------------
    @route("GET", TRACKS)
    def list_tracks(self, request: Request) -> Any:
        self._caller(request)
        page = page_number(request)
        found = self.events.list_tracks((page - 1) * PAGE_SIZE, PAGE_SIZE)
        return page_body(request, page, found["count"], found["results"])

    @route("POST", TRACKS)
    def create_track(self, request: Request) -> Any:
        principal = self._caller(request)
        return json_response(self.events.create_track(principal, json_object(request)), 201)

    @route("GET", TRACKS + "<ref>/")
    def get_track(self, request: Request, ref: str) -> Any:
        self._caller(request)
        return self.events.get_track(ref)
