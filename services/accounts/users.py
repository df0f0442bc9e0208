"""Users: creation, login by password, lookup by integer id or GUID."""

from __future__ import annotations

import uuid as uuidlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.accounts.models import Token, User
from services.accounts.passwords import hash_password, verify_password
from services.accounts.tokens import Device, issue_user_token, revoke
from services.common.database import utcnow
from services.common.errors import (AuthenticationFailed, BadRequest, NotFound,
                                    PermissionDenied, ValidationFailed)
from services.common.principal import Principal

MAX_USERNAME = 150


def user_view(user: User) -> dict:
    return {
        "id": user.id,
        "uuid": user.uuid,
        "username": user.username,
        "is_admin": user.is_admin,
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def by_name(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username_key == username.casefold())).first()


def create_user(session: Session, username: str, password: str, is_admin: bool = False) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(fields={"Name": ["This field is required."]})
    if len(username) > MAX_USERNAME:
        raise ValidationFailed(
            fields={"Name": [f"Ensure this field has no more than {MAX_USERNAME} characters."]})
    if not password:
        raise ValidationFailed(fields={"Password": ["This field is required."]})
    taken = BadRequest(f"A user with the name '{username}' already exists.")
    if by_name(session, username) is not None:
        raise taken
    user = User(uuid=uuidlib.uuid4().hex, username=username, username_key=username.casefold(),
                password_hash=hash_password(password), is_admin=is_admin)
    try:
        with session.begin_nested():  # a concurrent create of the same name loses here, cleanly
            session.add(user)
    except IntegrityError:
        raise taken from None
    return user


def create_user_as(session: Session, principal: Principal, username: str, password: str,
                   is_admin: bool = False) -> User:
    if not (principal.is_user and principal.is_admin):
        raise PermissionDenied()
    return create_user(session, username, password, is_admin)


def login(session: Session, username: str, password: str,
          device: Device) -> tuple[User, str, list[str]]:
    """Check the password and issue a token for this device.

    As Jellyfin does, a new login from the same device ends that device's earlier logins; the
    revoked token hashes are returned for announcement.
    """
    user = by_name(session, username or "")
    if user is None or not verify_password(password or "", user.password_hash):
        raise AuthenticationFailed("Invalid username or password.")
    revoked: list[str] = []
    if device.device_id:
        previous = session.scalars(select(Token).where(
            Token.user_id == user.id, Token.device_id == device.device_id,
            Token.active.is_(True))).all()
        revoked = revoke(list(previous))
    token, _ = issue_user_token(session, user, name="login", device=device)
    user.last_login_at = utcnow()
    return user, token, revoked


def find_user(session: Session, ref: int | str) -> User:
    """A user by integer id or by GUID (32 hex or dashed); NotFound otherwise."""
    if isinstance(ref, int):
        user = session.get(User, ref)
    else:
        try:
            key = uuidlib.UUID(ref).hex
        except ValueError:
            raise NotFound("User not found.") from None
        user = session.scalars(select(User).where(User.uuid == key)).first()
    if user is None:
        raise NotFound("User not found.")
    return user
