"""Tables owned by the events service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.database import UTCDateTime, utcnow
from services.common.redelivery import call_records


class Base(DeclarativeBase):
    pass


#: handled RPC calls, answered again from here when their request is redelivered
rpc_calls = call_records(Base.metadata)


class Track(Base):
    """A catalogue track: what playlists hold and what playstate asks runtimes of."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    artist: Mapped[str] = mapped_column(String(255), default="")
    #: length in seconds, when known
    duration: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: whether playback may resume where a user left off (Jellyfin's resume position)
    resumable: Mapped[bool] = mapped_column(Boolean, default=False)
    #: name and artist folded for ``?search=`` (lower case, no accents: ``tracks.fold``)
    search_name: Mapped[str] = mapped_column(String(255), default="")
    search_artist: Mapped[str] = mapped_column(String(255), default="")


class MetaProperty(Base):
    """An organizer's meta data property (pretix's EventMetaProperty), with its default."""

    __tablename__ = "meta_properties"
    __table_args__ = (UniqueConstraint("organizer", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer: Mapped[str] = mapped_column(String(50), index=True)
    name: Mapped[str] = mapped_column(String(50))
    default: Mapped[str] = mapped_column(Text, default="")


class Event(Base):
    """pretix's event. Multi-lingual strings are JSON objects locale → text."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("organizer", "slug_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organizer: Mapped[str] = mapped_column(String(50), index=True)
    slug: Mapped[str] = mapped_column(String(50))
    #: lower-cased slug: slugs are unique in an organizer regardless of case, as in pretix
    slug_key: Mapped[str] = mapped_column(String(50))
    name: Mapped[dict[str, str]] = mapped_column(JSON)
    live: Mapped[bool] = mapped_column(Boolean, default=False)
    testmode: Mapped[bool] = mapped_column(Boolean, default=False)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    date_from: Mapped[datetime] = mapped_column(UTCDateTime)
    date_to: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    date_admission: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    presale_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    presale_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    location: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    geo_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    geo_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    has_subevents: Mapped[bool] = mapped_column(Boolean, default=False)
    plugins: Mapped[list[str]] = mapped_column(JSON, default=list)
    seating_plan: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seat_category_mapping: Mapped[dict[str, int | None]] = mapped_column(JSON, default=dict)
    #: user id of the creator; null when a team token created it
    author: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: +1 on every commit that changes the event, its playlist or its access list
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meta_values: Mapped[list[MetaValue]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )
    playlist: Mapped[Playlist] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    access: Mapped[list[EventAccess]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class MetaValue(Base):
    """An event's value of one meta property (absent: the property's default applies)."""

    __tablename__ = "meta_values"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    property_id: Mapped[int] = mapped_column(
        ForeignKey("meta_properties.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="meta_values")
    property: Mapped[MetaProperty] = relationship(lazy="joined")


class Playlist(Base):
    """Each event's one playlist: made with the event, copied by clone, deleted with it."""

    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)

    event: Mapped[Event] = relationship(back_populates="playlist")
    entries: Mapped[list[PlaylistEntry]] = relationship(
        order_by="PlaylistEntry.order", cascade="all, delete-orphan", passive_deletes=True
    )


class PlaylistEntry(Base):
    __tablename__ = "playlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playlist_id: Mapped[int] = mapped_column(
        ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    #: 0..n-1 within the playlist
    order: Mapped[int] = mapped_column(Integer)

    track: Mapped[Track] = relationship(lazy="joined")


class EventAccess(Base):
    """A user's access to an event's room, given by invitation."""

    __tablename__ = "event_access"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    #: guest, moderator or administrator
    mode: Mapped[str] = mapped_column(String(20), default="guest")


class AuditEntry(Base):
    """Who changed what, and when: one row per write."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: "user:<id>" or "team:<id>"
    actor: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    organizer: Mapped[str | None] = mapped_column(String(50), nullable=True)
    event_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class IdempotencyRecord(Base):
    """A write made with an idempotency key, per credential (the token's hash), kept 24 h.

    ``status`` is null while the first request is still running.
    """

    __tablename__ = "idempotency_keys"

    credential: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
