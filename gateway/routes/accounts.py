"""Routes of API.md §1: Jellyfin's login and user routes, organizers, teams, members, team tokens."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from werkzeug.wrappers import Request

from gateway.addresses import public_base_url, request_client_address
from gateway.bodies import jellyfin_object, json_object
from gateway.http import route
from gateway.jellyfin import authentication_result, public_system_info, user_dto
from gateway.pagination import paginate
from gateway.responses import json_response
from gateway.routes.base import RouteBase
from services.common.errors import PermissionDenied, ServiceUnavailable

log = logging.getLogger(__name__)

ORGANIZERS = "/api/v1/organizers/"
TEAMS = "/api/v1/organizers/<organizer>/teams/"
TEAM = TEAMS + "<int:team_id>/"


class AccountRoutes(RouteBase):
    """Mixin of the gateway service: accounts' routes."""

    def _server_id(self) -> str:
        return str(self.server_identity()["id"])

    # Jellyfin -------------------------------------------------------------------------------
    @route("POST", "/users/authenticatebyname")
    def authenticate_by_name(self, request: Request) -> Any:
        body = jellyfin_object(request)
        device = self.auth.request_credentials(request).device()
        password = body.get("pw") if body.get("pw") is not None else body.get("password")
        login = self.accounts_login.login(
            str(body.get("username") or ""),
            str(password or ""),
            device,
            request_client_address(request),
        )
        self._start_device_session(request, login["token"])
        return authentication_result(login, device)

    @route("POST", "/sessions/logout")
    def logout(self, request: Request) -> None:
        """Ends the device's playback sessions, then revokes the caller's token (this gateway
        forgets it at once; the others when ``token_revoked`` reaches them)."""
        principal = self.auth.request_principal(request)
        if not principal.is_user:
            raise PermissionDenied("A team token is not a user; revoke it with its DELETE.")
        self.playstate.end_device_sessions(principal.to_dict(), principal.device_id)
        self.accounts.logout(principal.to_dict())
        self.auth.forget(request)

    def _start_device_session(self, request: Request, token: str) -> None:
        """Tell playstate that this device logged in (its Jellyfin session starts now). The
        login stands if playstate cannot be told: the device's first playstate call makes it."""
        credentials = replace(self.auth.request_credentials(request), token=token)
        try:
            self.playstate.device_login(self.auth.resolve(credentials).to_dict())
        except ServiceUnavailable:
            log.warning(
                "login: playstate did not answer; the device session starts at the "
                "device's first playstate call"
            )

    @route("POST", "/users/new")
    def create_user(self, request: Request) -> Any:
        principal = self._caller(request)
        body = jellyfin_object(request)
        user = self.accounts.create_user(
            principal, str(body.get("name") or ""), str(body.get("password") or "")
        )
        return user_dto(user, self._server_id())

    @route("GET", "/users/me")
    def me(self, request: Request) -> Any:
        principal = self.auth.request_principal(request)
        if not principal.is_user:
            raise PermissionDenied("A team token is not a user.")
        return user_dto(self.users.find(principal.user_id), self._server_id())

    @route("GET", "/system/info/public")
    def public_info(self, request: Request) -> Any:
        return public_system_info(self.server_identity(), public_base_url(request))

    # organizers -----------------------------------------------------------------------------
    @route("GET", ORGANIZERS)
    def list_organizers(self, request: Request) -> Any:
        return paginate(request, self.accounts.list_organizers(self._caller(request)))

    @route("POST", ORGANIZERS)
    def create_organizer(self, request: Request) -> Any:
        principal = self._caller(request)
        return json_response(self.accounts.create_organizer(principal, json_object(request)), 201)

    @route("GET", "/api/v1/organizers/<organizer>/")
    def get_organizer(self, request: Request, organizer: str) -> Any:
        return self.accounts.get_organizer(self._caller(request), organizer)

    # teams ----------------------------------------------------------------------------------
    @route("GET", TEAMS)
    def list_teams(self, request: Request, organizer: str) -> Any:
        return paginate(request, self.accounts.list_teams(self._caller(request), organizer))

    @route("POST", TEAMS)
    def create_team(self, request: Request, organizer: str) -> Any:
        principal = self._caller(request)
        team = self.accounts.create_team(principal, organizer, json_object(request))
        return json_response(team, 201)

    @route("GET", TEAM)
    def get_team(self, request: Request, organizer: str, team_id: int) -> Any:
        return self.accounts.get_team(self._caller(request), organizer, team_id)

    @route("PATCH,PUT", TEAM)
    def update_team(self, request: Request, organizer: str, team_id: int) -> Any:
        principal = self._caller(request)
        return self.accounts.update_team(
            principal, organizer, team_id, json_object(request), request.method == "PATCH"
        )

    @route("DELETE", TEAM)
    def delete_team(self, request: Request, organizer: str, team_id: int) -> Any:
        self.accounts.delete_team(self._caller(request), organizer, team_id)

    @route("GET", TEAM + "members/")
    def list_members(self, request: Request, organizer: str, team_id: int) -> Any:
        members = self.accounts.list_members(self._caller(request), organizer, team_id)
        return paginate(request, members)

    @route("POST", TEAM + "members/")
    def add_member(self, request: Request, organizer: str, team_id: int) -> Any:
        principal = self._caller(request)
        member = self.accounts.add_member(principal, organizer, team_id, json_object(request))
        return json_response(member, 201)

    @route("DELETE", TEAM + "members/<int:user_id>/")
    def remove_member(self, request: Request, organizer: str, team_id: int, user_id: int) -> Any:
        self.accounts.remove_member(self._caller(request), organizer, team_id, user_id)

    @route("GET", TEAM + "tokens/")
    def list_tokens(self, request: Request, organizer: str, team_id: int) -> Any:
        return paginate(
            request, self.accounts.list_tokens(self._caller(request), organizer, team_id)
        )

    @route("POST", TEAM + "tokens/")
    def create_token(self, request: Request, organizer: str, team_id: int) -> Any:
        principal = self._caller(request)
        token = self.accounts.create_token(principal, organizer, team_id, json_object(request))
        return json_response(token, 201)

    @route("DELETE", TEAM + "tokens/<int:token_id>/")
    def revoke_token(self, request: Request, organizer: str, team_id: int, token_id: int) -> Any:
        return self.accounts.revoke_token(self._caller(request), organizer, team_id, token_id)
