"""pretix's team resource: teams of an organizer, their members and their API tokens.

Managing teams needs an admin, or a principal whose team in the organizer has can_change_teams.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts.models import Organizer, Team, TeamMember, Token, User
from services.accounts.organizers import permissions, visible_organizer
from services.accounts.tokens import issue_team_token, revoke
from services.common.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
    field_error,
    too_long,
)
from services.common.principal import Principal

FLAGS = ("all_events", "can_create_events", "can_change_event_settings", "can_change_teams")
#: pretix fields we do not model; shown as false so pretix clients find every key they expect
UNMODELLED_FLAGS = (
    "require_2fa",
    "can_change_organizer_settings",
    "can_manage_customers",
    "can_manage_reusable_media",
    "can_manage_gift_cards",
    "can_change_items",
    "can_view_orders",
    "can_change_orders",
    "can_view_vouchers",
    "can_change_vouchers",
    "can_checkin_orders",
)
#: characters in a team's or a token's name (API.md §1 "Limits")
MAX_NAME = 190


def team_view(team: Team) -> dict:
    view: dict[str, Any] = {
        "id": team.id,
        "name": team.name,
        "limit_events": list(team.limit_events or []),
    }
    view.update({flag: getattr(team, flag) for flag in FLAGS})
    view.update({flag: False for flag in UNMODELLED_FLAGS})
    return view


def member_view(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "uuid": user.uuid,
        "email": None,
        "fullname": user.username,
        "require_2fa": False,
    }


def managed_organizer(session: Session, principal: Principal, slug: str) -> Organizer:
    organizer = visible_organizer(session, principal, slug)
    if not permissions(session, principal, slug).has("can_change_teams"):
        raise PermissionDenied()
    return organizer


def parse_team(body: dict, partial: bool) -> dict[str, Any]:
    """Validated changes from a team body (DRF's messages); unknown keys are ignored."""
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if "name" in body:
        if not isinstance(body["name"], str) or not body["name"].strip():
            errors["name"] = [
                "This field may not be blank."
                if isinstance(body["name"], str)
                else "Not a valid string."
            ]
        elif len(body["name"].strip()) > MAX_NAME:
            errors["name"] = [too_long(MAX_NAME)]
        else:
            changes["name"] = body["name"].strip()
    elif not partial:
        errors["name"] = ["This field is required."]
    for flag in FLAGS:
        if flag in body:
            if isinstance(body[flag], bool):
                changes[flag] = body[flag]
            else:
                errors[flag] = ["Must be a valid boolean."]
    if "limit_events" in body:
        value = body["limit_events"]
        if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
            errors["limit_events"] = ["Expected a list of event slugs."]
        else:
            changes["limit_events"] = sorted(set(value))
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


def find_team(session: Session, organizer: Organizer, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None or team.organizer_id != organizer.id:
        raise NotFound()
    return team


def managed_team(session: Session, principal: Principal, slug: str, team_id: int) -> Team:
    """Team `team_id` of organizer `slug`, whose teams the principal may change."""
    return find_team(session, managed_organizer(session, principal, slug), team_id)


def list_teams(session: Session, organizer: Organizer) -> list[Team]:
    return list(
        session.scalars(select(Team).where(Team.organizer_id == organizer.id).order_by(Team.id))
    )


def create_team(session: Session, organizer: Organizer, body: dict) -> Team:
    team = Team(organizer_id=organizer.id, limit_events=[], **{flag: False for flag in FLAGS})
    for key, value in parse_team(body, partial=False).items():
        setattr(team, key, value)
    session.add(team)
    session.flush()
    return team


def update_team(team: Team, body: dict, partial: bool) -> Team:
    for key, value in parse_team(body, partial).items():
        setattr(team, key, value)
    return team


def delete_team(session: Session, team: Team) -> list[str]:
    """Deletes the team; its tokens die with it (their hashes are returned for announcement)."""
    revoked = revoke(team_tokens(session, team))
    session.delete(team)
    return revoked


def members(session: Session, team: Team) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.team_id == team.id)
            .order_by(User.id)
        )
    )


def add_member(session: Session, team: Team, body: dict) -> User:
    user_id = body.get("user")
    if user_id is None:
        raise field_error("user", "This field is required.")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise field_error(
            "user", f"Incorrect type. Expected pk value, received {type(user_id).__name__}."
        )
    user = session.get(User, user_id)
    if user is None:
        raise field_error("user", f'Invalid pk "{user_id}" - object does not exist.')
    if session.get(TeamMember, (team.id, user.id)) is not None:
        raise field_error("user", "This user is already a member of the team.")
    session.add(TeamMember(team_id=team.id, user_id=user.id))
    session.flush()
    return user


def remove_member(session: Session, team: Team, user_id: int) -> None:
    membership = session.get(TeamMember, (team.id, user_id))
    if membership is None:
        raise NotFound()
    session.delete(membership)


def team_tokens(session: Session, team: Team) -> list[Token]:
    return list(session.scalars(select(Token).where(Token.team_id == team.id).order_by(Token.id)))


def create_token(session: Session, team: Team, body: dict) -> tuple[str, Token]:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise field_error(
            "name", "This field is required." if name in (None, "") else "Not a valid string."
        )
    if len(name.strip()) > MAX_NAME:
        raise field_error("name", too_long(MAX_NAME))
    return issue_team_token(session, team, name.strip())


def find_token(session: Session, team: Team, token_id: int) -> Token:
    record = session.get(Token, token_id)
    if record is None or record.team_id != team.id:
        raise NotFound()
    return record
