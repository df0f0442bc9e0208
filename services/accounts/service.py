"""The accounts service: RPC entrypoints over users, tokens, organizers and teams.

Writes are ``@rpc(once=True)`` (a redelivered request is answered from its record, not run again),
except the two whose reply holds a new token, which is never stored in the clear: a redelivered
``login`` or ``create_token`` makes a second token that nobody receives.

Two services run in the accounts process: ``accounts`` and ``accounts_login``. Password logins
have a queue and workers of their own, so that logins waiting for their (slow, bounded) hash never
hold up token checks and reads: 20 logins at once fill ``accounts_login``'s workers, not
``accounts``'."""

from __future__ import annotations

from services.accounts import organizers, server, teams, tokens, users
from services.accounts.announcements import Announcements
from services.common.base import ServiceBase
from services.common.database import Database
from services.common.principal import Principal
from services.common.rpc import rpc


class Accounts(ServiceBase):
    db = Database("accounts")
    announce = Announcements()  # domain events, dispatched once a write commits


class LoginService(Accounts):
    name = "accounts_login"

    @rpc
    def login(self, username: str, password: str, device: dict, address: str = "") -> dict:
        user, token, revoked = users.login(
            self.db, username, password, tokens.Device(**device), address
        )
        self.announce.tokens_revoked(self.db, revoked)
        self.announce.user_changed(self.db, user.id)
        return {
            "user": users.user_view(user),
            "token": token,
            "server": server.server_identity(self.db),
        }


class AccountsService(Accounts):
    name = "accounts"

    # authentication ------------------------------------------------------------------------
    @rpc
    def authenticate(self, token: str) -> dict:
        return tokens.authenticate(self.db, token).to_dict()

    @rpc(once=True)
    def logout(self, principal: dict) -> None:
        self.announce.tokens_revoked(self.db, users.logout(self.db, Principal.from_dict(principal)))

    @rpc
    def server_info(self) -> dict:
        return server.server_identity(self.db)

    # users ----------------------------------------------------------------------------------
    @rpc(once=True)
    def create_user(
        self, principal: dict, username: str, password: str, is_admin: bool = False
    ) -> dict:
        user = users.create_user_as(
            self.db, Principal.from_dict(principal), username, password, is_admin
        )
        return users.user_view(user)

    @rpc
    def find_user(self, ref: int | str) -> dict:
        return users.user_view(users.find_user(self.db, ref))

    # organizers -------------------------------------------------------------------------------
    @rpc(once=True)
    def create_organizer(self, principal: dict, body: dict) -> dict:
        organizer = organizers.create_organizer(self.db, Principal.from_dict(principal), body)
        return organizers.organizer_view(organizer)

    @rpc
    def list_organizers(self, principal: dict) -> list[dict]:
        found = organizers.visible_organizers(self.db, Principal.from_dict(principal))
        return [organizers.organizer_view(organizer) for organizer in found]

    @rpc
    def get_organizer(self, principal: dict, organizer: str) -> dict:
        found = organizers.visible_organizer(self.db, Principal.from_dict(principal), organizer)
        return organizers.organizer_view(found)

    @rpc
    def permissions(self, principal: dict, organizer: str) -> dict:
        return organizers.permissions(self.db, Principal.from_dict(principal), organizer).to_dict()

    # teams ------------------------------------------------------------------------------------
    @rpc
    def list_teams(self, principal: dict, organizer: str) -> list[dict]:
        managed = teams.managed_organizer(self.db, Principal.from_dict(principal), organizer)
        return [teams.team_view(team) for team in teams.list_teams(self.db, managed)]

    @rpc(once=True)
    def create_team(self, principal: dict, organizer: str, body: dict) -> dict:
        managed = teams.managed_organizer(self.db, Principal.from_dict(principal), organizer)
        return teams.team_view(teams.create_team(self.db, managed, body))

    @rpc
    def get_team(self, principal: dict, organizer: str, team_id: int) -> dict:
        return teams.team_view(
            teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        )

    @rpc(once=True)
    def update_team(
        self, principal: dict, organizer: str, team_id: int, body: dict, partial: bool
    ) -> dict:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        self.announce.permissions_changed(self.db, organizer, team)
        return teams.team_view(teams.update_team(team, body, partial))

    @rpc(once=True)
    def delete_team(self, principal: dict, organizer: str, team_id: int) -> None:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        self.announce.permissions_changed(self.db, organizer, team)
        self.announce.tokens_revoked(self.db, teams.delete_team(self.db, team))

    @rpc
    def list_members(self, principal: dict, organizer: str, team_id: int) -> list[dict]:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        return [teams.member_view(user) for user in teams.members(self.db, team)]

    @rpc(once=True)
    def add_member(self, principal: dict, organizer: str, team_id: int, body: dict) -> dict:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        user = teams.add_member(self.db, team, body)
        self.announce.permissions_changed(self.db, organizer, team, [user.id])
        return teams.member_view(user)

    @rpc(once=True)
    def remove_member(self, principal: dict, organizer: str, team_id: int, user_id: int) -> None:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        teams.remove_member(self.db, team, user_id)
        self.announce.permissions_changed(self.db, organizer, team, [user_id])

    @rpc
    def list_tokens(self, principal: dict, organizer: str, team_id: int) -> list[dict]:
        team = teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id)
        return [tokens.token_view(record) for record in teams.team_tokens(self.db, team)]

    @rpc
    def create_token(self, principal: dict, organizer: str, team_id: int, body: dict) -> dict:
        token, record = teams.create_token(
            self.db,
            teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id),
            body,
        )
        return {**tokens.token_view(record), "token": token}

    @rpc(once=True)
    def revoke_token(self, principal: dict, organizer: str, team_id: int, token_id: int) -> dict:
        record = teams.find_token(
            self.db,
            teams.managed_team(self.db, Principal.from_dict(principal), organizer, team_id),
            token_id,
        )
        self.announce.tokens_revoked(self.db, tokens.revoke([record]))
        return tokens.token_view(record)
