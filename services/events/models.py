"""Tables owned by the events service."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


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
