"""Tables owned by the accounts service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UTCDateTime, utcnow
from services.common.redelivery import call_records


class Base(DeclarativeBase):
    pass


#: handled RPC calls, answered again from here when their request is redelivered
rpc_calls = call_records(Base.metadata)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    username: Mapped[str] = mapped_column(String(150))
    #: casefolded username: names are unique regardless of case, as in Jellyfin
    username_key: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Organizer(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer_id: Mapped[int] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(190))
    all_events: Mapped[bool] = mapped_column(Boolean, default=False)
    limit_events: Mapped[list[str]] = mapped_column(JSON, default=list)
    can_create_events: Mapped[bool] = mapped_column(Boolean, default=False)
    can_change_event_settings: Mapped[bool] = mapped_column(Boolean, default=False)
    can_change_teams: Mapped[bool] = mapped_column(Boolean, default=False)

    organizer: Mapped[Organizer] = relationship()


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Token(Base):
    """An API token: a user's (login, CLI) or a team's (pretix's team API token).

    Only the SHA-256 of the token is stored: tokens carry 256 bits of entropy, so a fast hash is as
    safe as a slow one and keeps authentication cheap.
    """

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(190), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    device_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    device_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    client: Mapped[str | None] = mapped_column(String(255), nullable=True)
    client_version: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    team: Mapped[Team | None] = relationship()


class ServerIdentity(Base):
    """One row: the server id Jellyfin clients pin a login to."""

    __tablename__ = "server_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))


class LoginFailure(Base):
    """One failed login (wrong password or unknown user), kept for the throttle's window.

    In the accounts database, so every accounts instance and every gateway counts the same failures.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the casefolded username as given (at most 100 characters kept)
    username_key: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
