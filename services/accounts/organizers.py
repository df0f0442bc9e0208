"""Organizers and what a principal may do in one of them."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts.models import Organizer, Team, TeamMember
from services.common.errors import PermissionDenied, ValidationFailed, field_error, too_long
from services.common.permissions import OrganizerPermissions, TeamGrant
from services.common.principal import Principal

SLUG = re.compile(r"^[a-zA-Z0-9.-]+$")
#: characters (API.md §1 "Limits")
MAX_LENGTH = {"slug": 50, "name": 200}


def organizer_view(organizer: Organizer) -> dict:
    return {"slug": organizer.slug, "name": organizer.name}


def by_slug(session: Session, slug: str) -> Organizer | None:
    return session.scalars(select(Organizer).where(Organizer.slug == slug)).first()


def create_organizer(session: Session, principal: Principal, body: dict) -> Organizer:
    if not (principal.is_user and principal.is_admin):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    slug: Any = body.get("slug")  # untrusted JSON: checked below
    name = body.get("name")
    for field, value in (("slug", slug), ("name", name)):
        if value in (None, ""):
            errors[field] = ["This field is required."]
        elif not isinstance(value, str):
            errors[field] = ["Not a valid string."]
        elif len(value) > MAX_LENGTH[field]:
            errors[field] = [too_long(MAX_LENGTH[field])]
    if "slug" not in errors and not SLUG.match(slug):
        errors["slug"] = ["The slug may only contain letters, numbers, dots and dashes."]
    if errors:
        raise ValidationFailed(fields=errors)
    if by_slug(session, slug) is not None:
        raise field_error("slug", "This slug has already been used for a different organizer.")
    organizer = Organizer(slug=slug, name=name)
    session.add(organizer)
    session.flush()
    return organizer


def visible_organizers(session: Session, principal: Principal) -> list[Organizer]:
    query = select(Organizer).order_by(Organizer.slug)
    if principal.is_user and not principal.is_admin:
        query = (
            query.join(Team, Team.organizer_id == Organizer.id)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.user_id == principal.user_id)
            .distinct()
        )
    elif not principal.is_user:
        query = query.where(Organizer.slug == principal.organizer)
    return list(session.scalars(query))


def visible_organizer(session: Session, principal: Principal, slug: str) -> Organizer:
    """The organizer if the principal belongs to it; PermissionDenied otherwise (pretix hides which)."""
    for organizer in visible_organizers(session, principal):
        if organizer.slug == slug:
            return organizer
    raise PermissionDenied()


def _grant(team: Team) -> TeamGrant:
    return TeamGrant(
        can_create_events=team.can_create_events,
        can_change_event_settings=team.can_change_event_settings,
        can_change_teams=team.can_change_teams,
        all_events=team.all_events,
        limit_events=tuple(team.limit_events or ()),
    )


def permissions(session: Session, principal: Principal, slug: str) -> OrganizerPermissions:
    """The union of the principal's teams in the organizer. Unknown organizer: PermissionDenied."""
    organizer = by_slug(session, slug)
    if organizer is None:
        raise PermissionDenied()
    if principal.is_user and principal.is_admin:
        return OrganizerPermissions(organizer=slug, is_admin=True)
    query = select(Team).where(Team.organizer_id == organizer.id)
    if principal.is_user:
        query = query.join(TeamMember, TeamMember.team_id == Team.id).where(
            TeamMember.user_id == principal.user_id
        )
    else:
        query = query.where(Team.id == principal.team_id)
    return OrganizerPermissions(
        organizer=slug, grants=tuple(_grant(team) for team in session.scalars(query))
    )
