"""Users: creation, login by password, lookup by integer id or GUID."""

from __future__ import annotations

import uuid as uuidlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.accounts import throttle
from services.accounts.models import Token, User
from services.accounts.passwords import DUMMY_HASH, hash_password, needs_rehash, verify_password
from services.accounts.tokens import Device, issue_user_token, revoke
from services.common.database import utcnow
from services.common.errors import (
    AuthenticationFailed,
    BadRequest,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    too_long,
)
from services.common.principal import Principal

#: characters (API.md §1 "Limits")
MAX_USERNAME = 100


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
        raise ValidationFailed(fields={"Name": [too_long(MAX_USERNAME)]})
    if not password:
        raise ValidationFailed(fields={"Password": ["This field is required."]})
    taken = BadRequest(f"A user with the name '{username}' already exists.")
    if by_name(session, username) is not None:
        raise taken
    user = User(
        uuid=uuidlib.uuid4().hex,
        username=username,
        username_key=username.casefold(),
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    try:
        with session.begin_nested():  # a concurrent create of the same name loses here, cleanly
            session.add(user)
    except IntegrityError:
        raise taken from None
    return user


def create_user_as(
    session: Session, principal: Principal, username: str, password: str, is_admin: bool = False
) -> User:
    if not (principal.is_user and principal.is_admin):
        raise PermissionDenied()
    return create_user(session, username, password, is_admin)


def login(
    session: Session, username: str, password: str, device: Device, address: str = ""
) -> tuple[User, str, list[str]]:
    """Check the password and issue a token for this device.

    The throttle (`services.accounts.throttle`) decides first whether the login may be tried from
    this address. An unknown user's password is hashed against a dummy, so that it answers the
    same 401 in the same time as a wrong password. No transaction is open while hashing (it would
    hold a database connection, and on SQLite the process's write turn, for the hash's 0.4 s); a
    failure is committed before the 401 is raised. A success resets the failures of this username
    from this address and replaces a hash made with older parameters.

    As Jellyfin does, a new login from the same device ends that device's earlier logins; the
    revoked token hashes are returned for announcement.
    """
    username, now = username or "", utcnow()
    throttle.check(session, username, address, now)
    user = by_name(session, username)
    stored = user.password_hash if user is not None else DUMMY_HASH
    session.commit()
    if not verify_password(password or "", stored) or user is None:
        throttle.record_failure(session, username, address, now)
        session.commit()
        raise AuthenticationFailed("Invalid username or password.")
    rehashed = hash_password(password) if needs_rehash(stored) else None
    throttle.reset(session, username, address)
    if rehashed is not None:
        user.password_hash = rehashed
    revoked: list[str] = []
    if device.device_id:
        previous = session.scalars(
            select(Token).where(
                Token.user_id == user.id,
                Token.device_id == device.device_id,
                Token.active.is_(True),
            )
        ).all()
        revoked = revoke(list(previous))
    token, _ = issue_user_token(session, user, name="login", device=device)
    user.last_login_at = utcnow()
    return user, token, revoked


def revoke_user_tokens(session: Session, username: str) -> list[str]:
    """Every active token of the user (``setlist admin revoke-tokens``); the revoked hashes."""
    user = by_name(session, username)
    if user is None:
        raise NotFound(f"No user named '{username}'.")
    return revoke(
        list(session.scalars(select(Token).where(Token.user_id == user.id, Token.active.is_(True))))
    )


def logout(session: Session, principal: Principal) -> list[str]:
    """Revoke the caller's own user token (Jellyfin's ``POST /Sessions/Logout``)."""
    if not principal.is_user:
        raise PermissionDenied("A team token is not a user; revoke it with its DELETE.")
    record = session.get(Token, principal.token_id)
    return revoke([record]) if record is not None else []


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
