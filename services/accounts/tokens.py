"""API tokens: issue, authenticate, revoke. A token is shown once; only its hash is kept."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.accounts.models import Team, Token, User
from services.common.errors import AuthenticationFailed
from services.common.principal import Principal
from services.common.tokens import hash_token


@dataclass(frozen=True)
class Device:
    """What a Jellyfin client says about itself in its MediaBrowser header."""

    device_id: str | None = None
    device_name: str | None = None
    client: str | None = None
    client_version: str | None = None


def new_token() -> str:
    """64 hex characters: 256 bits from the OS's CSPRNG."""
    return secrets.token_hex(32)


def issue_user_token(
    session: Session, user: User, name: str = "", device: Device = Device()
) -> tuple[str, Token]:
    token = new_token()
    record = Token(
        token_hash=hash_token(token),
        user_id=user.id,
        name=name,
        device_id=device.device_id,
        device_name=device.device_name,
        client=device.client,
        client_version=device.client_version,
    )
    session.add(record)
    session.flush()
    return token, record


def issue_team_token(session: Session, team: Team, name: str) -> tuple[str, Token]:
    token = new_token()
    record = Token(token_hash=hash_token(token), team_id=team.id, name=name)
    session.add(record)
    session.flush()
    return token, record


def revoke(records: list[Token]) -> list[str]:
    """Deactivate tokens; returns the hashes to announce in ``token_revoked``."""
    revoked = [record.token_hash for record in records if record.active]
    for record in records:
        record.active = False
    return revoked


def authenticate(session: Session, token: str) -> Principal:
    """The principal a token stands for; AuthenticationFailed when unknown or revoked."""
    record = session.scalars(
        select(Token).where(Token.token_hash == hash_token(token), Token.active.is_(True))
    ).one_or_none()
    if record is None:
        raise AuthenticationFailed()
    if record.user is not None:
        user = record.user
        return Principal(
            kind="user",
            token_id=record.id,
            user_id=user.id,
            username=user.username,
            user_uuid=user.uuid,
            is_admin=user.is_admin,
            device_id=record.device_id,
            client=record.client,
            device_name=record.device_name,
            client_version=record.client_version,
        )
    team = record.team
    assert team is not None
    return Principal(
        kind="team", token_id=record.id, team_id=team.id, organizer=team.organizer.slug
    )


def token_view(record: Token) -> dict:
    """pretix's team API token resource."""
    return {"id": record.id, "name": record.name, "active": record.active}
