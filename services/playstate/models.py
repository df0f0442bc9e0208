"""Tables owned by the playstate service."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.database import UTCDateTime
from services.common.redelivery import call_records


class Base(DeclarativeBase):
    pass


#: handled RPC calls, answered again from here when their request is redelivered
rpc_calls = call_records(Base.metadata)


class UserItemData(Base):
    """Jellyfin's UserItemData: one row per user and item, made on the first write.

    ``reported_us`` is the time (µs since the epoch) of the newest report applied: a progress report
    older than it is dropped, so the last report wins whatever order they arrive in.
    """

    __tablename__ = "user_item_data"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str] = mapped_column(String(32), index=True)
    played: Mapped[bool] = mapped_column(Boolean, default=False)
    play_count: Mapped[int] = mapped_column(Integer, default=0)
    playback_position_ticks: Mapped[int] = mapped_column(BigInteger, default=0)
    last_played_date: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_favorite: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[float | None] = mapped_column(Float, nullable=True)
    likes: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    reported_us: Mapped[int] = mapped_column(BigInteger, default=0)


class PlaybackSession(Base):
    """A playback session: a user playing an item on a device under a PlaySessionId.

    Kept after it stops (``active`` false) so that a late report of an already stopped session
    is recognised as older and dropped; the expiry timer purges old inactive rows.
    """

    __tablename__ = "playback_sessions"
    __table_args__ = (
        UniqueConstraint("user_id", "device_key", "play_session_id"),
        Index("ix_playback_sessions_active_seen", "active", "last_seen_us"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    #: the MediaBrowser header's DeviceId, else the token's device, else "token:<id>"
    device_key: Mapped[str] = mapped_column(String(255))
    play_session_id: Mapped[str] = mapped_column(String(255))
    item_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position_ticks: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    is_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    is_muted: Mapped[bool] = mapped_column(Boolean, default=False)
    volume_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    repeat_mode: Mapped[str] = mapped_column(String(20), default="RepeatNone")
    play_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    can_seek: Mapped[bool] = mapped_column(Boolean, default=False)
    media_source_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    audio_stream_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subtitle_stream_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    live_stream_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    started_us: Mapped[int] = mapped_column(BigInteger)
    #: last start, progress or ping (what keeps the session alive)
    last_seen_us: Mapped[int] = mapped_column(BigInteger)
    #: report time of the newest start, progress or stop applied
    last_report_us: Mapped[int] = mapped_column(BigInteger)


class DeviceSession(Base):
    """Jellyfin's session: a user on a client and device, made at login and touched by every
    playstate call of that device (``GET /Sessions``); removed when the device logs out."""

    __tablename__ = "device_sessions"
    __table_args__ = (UniqueConstraint("user_id", "client", "device_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32))
    user_name: Mapped[str] = mapped_column(String(255))
    client: Mapped[str] = mapped_column(String(255))
    #: the device key of its playback sessions (``sessions.device_key``)
    device_id: Mapped[str] = mapped_column(String(255))
    device_name: Mapped[str] = mapped_column(String(255))
    application_version: Mapped[str] = mapped_column(String(255))
    #: last login or playstate call (µs since the epoch)
    last_activity_us: Mapped[int] = mapped_column(BigInteger, index=True)
