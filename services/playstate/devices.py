"""Jellyfin's sessions (``GET /Sessions``): a user on a client and device.

A device session is made at login (the gateway tells playstate after AuthenticateByName) and touched
by every playstate call of that device; ``GET /Sessions`` reads without touching. What the device is
playing comes from its active playback sessions (``sessions``), so a progress report needs no write
here: a device's ``LastActivityDate`` is the later of its last touch and its playback's last report,
and the calls of the hot path (progress, ping, reads) touch at most once per
``PLAYSTATE_DEVICE_TOUCH_SECONDS`` per device and process (``TouchThrottle``).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from nameko.extensions import DependencyProvider
from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session

from services.common import config
from services.common.database import utcnow
from services.common.errors import PermissionDenied
from services.common.principal import Principal
from services.playstate.access import caller_id
from services.playstate.guids import optional_guid
from services.playstate.models import DeviceSession
from services.playstate.reports import read_int
from services.playstate.rules import Item
from services.playstate.sessions import device_key, epoch_us, playing_by_device
from services.playstate.userdata import dialect_insert

TABLE = DeviceSession.__table__
COLUMNS = TABLE.c
MAX_TEXT = 255


def session_id(client: str, device_id: str) -> str:
    """Jellyfin's session id: the MD5 of client + device id (UTF-16), as a .NET Guid in "N" form."""
    digest = hashlib.md5((client + device_id).encode("utf-16-le"), usedforsecurity=False)
    return uuid.UUID(bytes_le=digest.digest()).hex


@dataclass(frozen=True)
class Device:
    """The caller's device, as its session records it."""

    user_id: str
    user_name: str
    client: str
    device_id: str
    device_name: str
    application_version: str

    @classmethod
    def of(cls, principal: Principal) -> Device:
        """From the principal (the MediaBrowser header, else the token's login); a team: 403."""
        return cls(
            user_id=caller_id(principal),
            user_name=principal.username or "",
            client=(principal.client or "")[:MAX_TEXT],
            device_id=device_key(principal),
            device_name=(principal.device_name or "")[:MAX_TEXT],
            application_version=(principal.client_version or "")[:MAX_TEXT],
        )

    @property
    def key(self) -> tuple[str, str, str]:
        return self.user_id, self.client, self.device_id


def touch(session: Session, device: Device, now_us: int) -> None:
    """Make the device's session, or mark it active now (one upsert)."""
    values = {
        "user_name": device.user_name,
        "device_name": device.device_name,
        "application_version": device.application_version,
        "last_activity_us": now_us,
    }
    statement = dialect_insert(session)(TABLE).values(
        user_id=device.user_id, client=device.client, device_id=device.device_id, **values
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[COLUMNS.user_id, COLUMNS.client, COLUMNS.device_id], set_=values
        )
    )


class TouchThrottle:
    """Which touches of the hot path to skip: one per device per `seconds` in this process."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
        max_entries: int = 100_000,
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self.max_entries = max_entries
        self._last: dict[tuple[str, str, str], float] = {}

    def due(self, device: Device) -> bool:
        """True (and remembered) when this device was not touched within `seconds`."""
        now = self.clock()
        last = self._last.get(device.key)
        if last is not None and now - last < self.seconds:
            return False
        if len(self._last) >= self.max_entries:
            self._last.clear()
        self._last[device.key] = now
        return True

    def forget(self, user_id: str, device_id: str) -> None:
        for key in [key for key in self._last if key[0] == user_id and key[2] == device_id]:
            del self._last[key]


class Touches:
    """Marking the caller's device session active, for one worker."""

    def __init__(self, throttle: TouchThrottle) -> None:
        self.throttle = throttle

    def __call__(self, session: Session, principal: dict[str, Any], hot: bool = False) -> None:
        """Mark the caller's device session active now (on the hot path: unless done lately)."""
        device = Device.of(Principal.from_dict(principal))
        if not hot or self.throttle.due(device):
            touch(session, device, epoch_us(utcnow()))

    def forget(self, user_id: str, device_id: str) -> None:
        """The device's session ended: its next touch is due at once."""
        self.throttle.forget(user_id, device_id)


class DeviceTouches(DependencyProvider):
    """``touch = DeviceTouches()``: ``self.touch(db, principal, hot=False)``, throttled per device
    on the hot path to once per ``PLAYSTATE_DEVICE_TOUCH_SECONDS`` in this process."""

    def setup(self) -> None:
        self.throttle = TouchThrottle(config.PLAYSTATE_DEVICE_TOUCH_SECONDS.value())

    def get_dependency(self, worker_ctx: Any) -> Touches:
        return Touches(self.throttle)


def _delete(session: Session, *conditions: Any) -> int:
    result = session.execute(delete(DeviceSession).where(*conditions))
    return cast(CursorResult[Any], result).rowcount


def end(session: Session, user_id: str, device_id: str) -> int:
    """Remove the user's sessions on this device (any client); how many there were."""
    return _delete(session, COLUMNS.user_id == user_id, COLUMNS.device_id == device_id)


def purge_idle(session: Session, before_us: int) -> int:
    """Forget device sessions with no activity since `before_us`."""
    return _delete(session, COLUMNS.last_activity_us < before_us)


@dataclass(frozen=True)
class SessionQuery:
    """``GET /Sessions``'s query: ``deviceId``, ``activeWithinSeconds``, ``controllableByUserId``."""

    device_id: str | None = None
    active_within_seconds: int | None = None
    controllable_by: str | None = None

    @classmethod
    def parse(cls, query: dict[str, Any]) -> SessionQuery:
        return cls(
            device_id=query.get("deviceid") or None,
            active_within_seconds=read_int(query, "activeWithinSeconds"),
            controllable_by=optional_guid(
                query.get("controllablebyuserid"), "controllableByUserId"
            ),
        )


def visible(session: Session, principal: Principal, query: SessionQuery) -> list[Any]:
    """The device sessions (rows) the caller may see and the query keeps, in no order: an admin
    sees all, a user their own, a team token none (403). ``controllableByUserId`` keeps the
    remote-controllable ones — none here — and names another user only for an admin (403)."""
    me = caller_id(principal)
    if query.controllable_by is not None:
        if query.controllable_by != me and not principal.is_admin:
            raise PermissionDenied("You may only ask which sessions you can control.")
        return []
    statement = select(*COLUMNS)
    if not principal.is_admin:
        statement = statement.where(COLUMNS.user_id == me)
    rows = list(session.execute(statement))
    if query.device_id is not None:
        wanted = query.device_id.lower()
        rows = [row for row in rows if row.device_id.lower() == wanted]
    return rows


def last_activity_us(row: Any, playing: Any | None) -> int:
    """A session's last activity: its last touch, or its playback's last report if later."""
    return max(row.last_activity_us, playing.last_seen_us if playing is not None else 0)


def newest_first(
    rows: Iterable[Any],
    playing: dict[tuple[str, str], Any],
    now_us: int,
    active_within_seconds: int | None,
) -> list[tuple[Any, Any | None]]:
    """(row, its playback or None), newest LastActivityDate first, those active recently enough."""
    paired = [(row, playing.get((row.user_id, row.device_id))) for row in rows]
    if active_within_seconds is not None:
        cutoff = now_us - active_within_seconds * 1_000_000
        paired = [pair for pair in paired if last_activity_us(*pair) >= cutoff]
    return sorted(paired, key=lambda pair: (-last_activity_us(*pair), pair[0].id))


def _iso_us(epoch_us: int) -> str:
    seconds, micros = divmod(epoch_us, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros:06d}Z"


def base_item(item: Item, server_id: str) -> dict[str, Any]:
    """A catalogue track as Jellyfin's BaseItemDto of an Audio item."""
    return {
        "Name": item.name,
        "Id": item.id,
        "ServerId": server_id,
        "Type": "Audio",
        "MediaType": "Audio",
        "RunTimeTicks": item.runtime_ticks,
        "IsFolder": False,
        "Artists": [item.artist] if item.artist else [],
        "AlbumArtist": item.artist,
    }


def play_state(playing: Any | None) -> dict[str, Any]:
    """PlayState: the four flags always, the rest when known."""
    if playing is None:
        return {"CanSeek": False, "IsPaused": False, "IsMuted": False, "RepeatMode": "RepeatNone"}
    state = {
        "CanSeek": playing.can_seek,
        "IsPaused": playing.is_paused,
        "IsMuted": playing.is_muted,
        "RepeatMode": playing.repeat_mode,
    }
    for name, value in (
        ("PositionTicks", playing.position_ticks),
        ("VolumeLevel", playing.volume_level),
        ("PlayMethod", playing.play_method),
        ("MediaSourceId", playing.media_source_id),
    ):
        if value is not None:
            state[name] = value
    return state


def session_info(
    row: Any, playing: Any | None, item: Item | None, server_id: str
) -> dict[str, Any]:
    """Jellyfin's SessionInfo; ``NowPlayingItem`` and ``LastPlaybackCheckIn`` while a track plays."""
    info: dict[str, Any] = {
        "PlayState": play_state(playing if item is not None else None),
        "AdditionalUsers": [],
        "PlayableMediaTypes": [],
        "Id": session_id(row.client, row.device_id),
        "UserId": row.user_id,
        "UserName": row.user_name,
        "Client": row.client,
        "LastActivityDate": _iso_us(last_activity_us(row, playing)),
        "DeviceName": row.device_name,
        "DeviceId": row.device_id,
        "ApplicationVersion": row.application_version,
        "IsActive": True,
        "SupportsMediaControl": False,
        "SupportsRemoteControl": False,
        "NowPlayingQueue": [],
        "HasCustomDeviceName": False,
        "ServerId": server_id,
        "SupportedCommands": [],
    }
    if playing is not None and item is not None:
        info["NowPlayingItem"] = base_item(item, server_id)
        info["LastPlaybackCheckIn"] = _iso_us(playing.last_seen_us)
    return info


def session_infos(
    listed: list[tuple[Any, Any | None]],
    item_of: Callable[[str], Item | None],
    server_id: str,
) -> list[dict[str, Any]]:
    """SessionInfo of each (row, playback) of ``newest_first``; `item_of` looks a track up (None
    when it left the catalogue)."""
    return [
        session_info(
            row, playing, item_of(playing.item_id) if playing is not None else None, server_id
        )
        for row, playing in listed
    ]


def list_sessions(
    db: Session,
    caller: Principal,
    query: dict[str, Any],
    known: Callable[[str], Item | None],
    server_id: str,
) -> list[dict[str, Any]]:
    """``GET /Sessions``: SessionInfo of the devices the caller may see, newest first (an admin
    sees everyone's). No transaction stays open across the catalogue lookups."""
    wanted = SessionQuery.parse(query)
    rows = visible(db, caller, wanted)
    playing = playing_by_device(db, None if caller.is_admin else caller_id(caller))
    db.rollback()
    listed = newest_first(rows, playing, epoch_us(utcnow()), wanted.active_within_seconds)
    return session_infos(listed, known, server_id)
