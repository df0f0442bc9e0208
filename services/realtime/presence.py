"""Who is in each room and what each present user is playing (API.md §4 "Presence and now
playing"), as one plain state object without I/O: the realtime service feeds it gateway reports,
playstate's ``playback_changed`` events and the clock, and sends what :meth:`RoomState.due`
returns. See docs/realtime.md for where this state lives and how it survives restarts.

- Presence is held per gateway: ``{gateway: {room: {user: member}}}``. A gateway reports a user's
  first socket in a room opening and last closing as they happen, and its whole state in a
  heartbeat; a gateway not heard from for ``timeout`` seconds is dropped with its users.
- What users play is held per user (by GUID, as playstate names users), whatever room they are in:
  a room's now-playing list is that of its present users.
- Each room remembers what it last announced. :meth:`RoomState.due` compares, for rooms marked
  dirty and not announced within the last ``interval`` seconds, what is now true with what was
  announced, and returns the messages to send: ``presence.changed`` deltas and the whole
  ``now_playing.changed`` list. So changes are gathered and sent at most once per interval per room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Member = dict[str, Any]  #: {"user": int, "username": str, "role": str, "user_uuid": str}
Message = dict[str, Any]

PRESENCE = "presence"
NOW_PLAYING = "now_playing"
FEATURES = (PRESENCE, NOW_PLAYING)


@dataclass
class Playing:
    """What one user plays now: the newest start/pause/resume/seek of theirs."""

    track: int
    position_ticks: int
    is_paused: bool
    time_us: int  #: when the report was made (µs since the epoch); older events are ignored
    session: str  #: device and play session: a stop ends only the play it belongs to


@dataclass
class Gateway:
    last_seen: float
    rooms: dict[int, dict[int, Member]] = field(default_factory=dict)
    #: the gateway's number of its newest change applied: its reports may arrive out of order (a
    #: heartbeat taken before a join can arrive after it), and what is older is not applied
    seq: int = 0

    def newer(self, seq: int | None) -> bool:
        """Whether a change numbered `seq` (None: unnumbered) is newer than what is applied."""
        if seq is None:
            return True
        if seq <= self.seq:
            return False
        self.seq = seq
        return True


@dataclass
class Announced:
    """What a room's sockets were last told."""

    members: dict[int, Member] = field(default_factory=dict)
    now_playing: list[dict[str, Any]] = field(default_factory=list)
    at: float = float("-inf")


def updated_at(time_us: int) -> str:
    """ISO 8601 UTC with milliseconds and ``Z``, as the other dates of the API."""
    moment = datetime.fromtimestamp(time_us / 1e6, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def joined_entry(member: Member) -> dict[str, Any]:
    return {"user": member["user"], "username": member["username"], "role": member["role"]}


def left_entry(member: Member) -> dict[str, Any]:
    return {"user": member["user"], "username": member["username"]}


def presence_changed(joined: list[Member], left: list[Member], count: int) -> Message:
    return {
        "event": "presence.changed",
        "payload": {
            "joined": [joined_entry(m) for m in joined],
            "left": [left_entry(m) for m in left],
            "count": count,
        },
    }


def now_playing_changed(now_playing: list[dict[str, Any]]) -> Message:
    return {"event": "now_playing.changed", "payload": {"now_playing": now_playing}}


class RoomState:
    """Presence and now playing of every room, as gateways and playstate report them."""

    def __init__(self, interval: float = 1.0, timeout: float = 15.0) -> None:
        self.interval = interval
        self.timeout = timeout
        self.gateways: dict[str, Gateway] = {}
        self.playing: dict[str, Playing] = {}
        self.announced: dict[int, Announced] = {}
        self.dirty: set[int] = set()

    # what gateways report ---------------------------------------------------------------------
    def _gateway(self, gateway: str, now: float) -> Gateway:
        state = self.gateways.get(gateway)
        if state is None:
            state = self.gateways[gateway] = Gateway(now)
        state.last_seen = now
        return state

    def joined(
        self, gateway: str, room: int, member: Member, now: float, seq: int | None = None
    ) -> None:
        """A user's first socket in `room` on `gateway` opened (change number `seq`)."""
        state = self._gateway(gateway, now)
        if state.newer(seq):
            state.rooms.setdefault(room, {})[member["user"]] = member
            self.dirty.add(room)

    def left(self, gateway: str, room: int, user: int, now: float, seq: int | None = None) -> None:
        """A user's last socket in `room` on `gateway` closed (change number `seq`)."""
        state = self._gateway(gateway, now)
        if not state.newer(seq):
            return
        if state.rooms.get(room, {}).pop(user, None) is not None:
            if not state.rooms[room]:
                del state.rooms[room]
            self.dirty.add(room)

    def heartbeat(
        self, gateway: str, rooms: dict[int, list[Member]], now: float, seq: int | None = None
    ) -> None:
        """The gateway's whole state as of its change `seq`: replaces what was known of it,
        unless a newer change was applied already."""
        state = self._gateway(gateway, now)
        if seq is not None and seq < state.seq:
            return
        state.seq = max(state.seq, seq or 0)
        fresh = {
            room: {member["user"]: member for member in members}
            for room, members in rooms.items()
            if members
        }
        for room in set(state.rooms) | set(fresh):
            if state.rooms.get(room) != fresh.get(room):
                self.dirty.add(room)
        state.rooms = fresh

    def gateway_stopped(self, gateway: str) -> None:
        """A gateway said it stops (or was silent too long): its users leave."""
        state = self.gateways.pop(gateway, None)
        if state is not None:
            self.dirty.update(state.rooms)

    def expire(self, now: float) -> list[str]:
        """Drop gateways not heard from for ``timeout`` seconds; their ids."""
        silent = [
            gateway
            for gateway, state in self.gateways.items()
            if now - state.last_seen > self.timeout
        ]
        for gateway in silent:
            self.gateway_stopped(gateway)
        return silent

    # what users play --------------------------------------------------------------------------
    def playback_changed(self, change: dict[str, Any]) -> None:
        """A ``playback_changed`` event of playstate: start, pause, resume, seek or stop of a
        catalogue track by a user, wherever they are. An event older than what is known of the
        user is ignored; a stop ends only the play it belongs to."""
        user = change["user_id"]
        session = f"{change['device_id']}\n{change['play_session_id']}"
        current = self.playing.get(user)
        if current is not None and change["time_us"] < current.time_us:
            return
        if change["change"] == "stop":
            if current is None or current.session != session:
                return
            del self.playing[user]
        else:
            self.playing[user] = Playing(
                change["track"],
                change["position_ticks"] or 0,
                change["is_paused"],
                change["time_us"],
                session,
            )
        self.dirty.update(self.rooms_of(user))

    def rooms_of(self, user_uuid: str) -> set[int]:
        return {
            room
            for state in self.gateways.values()
            for room, members in state.rooms.items()
            if any(member.get("user_uuid") == user_uuid for member in members.values())
        }

    # what a room is ---------------------------------------------------------------------------
    def members(
        self, room: int, gateway: str | None = None, here: list[Member] | None = None
    ) -> dict[int, Member]:
        """Users present in the room, on any gateway; `here`, when given, is what `gateway` has
        now (it knows better than its last report)."""
        present: dict[int, Member] = {}
        for name, state in self.gateways.items():
            if here is None or name != gateway:
                present.update(state.rooms.get(room, {}))
        present.update((member["user"], member) for member in here or ())
        return present

    def now_playing(
        self, room: int, members: dict[int, Member] | None = None
    ) -> list[dict[str, Any]]:
        """What the room's present users play, by user id."""
        entries = []
        for user, member in sorted((members or self.members(room)).items()):
            playing = self.playing.get(member.get("user_uuid", ""))
            if playing is not None:
                entries.append(
                    {
                        "user": user,
                        "username": member["username"],
                        "track": playing.track,
                        "position_ticks": playing.position_ticks,
                        "is_paused": playing.is_paused,
                        "updated_at": updated_at(playing.time_us),
                    }
                )
        return entries

    def snapshot(
        self, room: int, gateway: str | None = None, here: list[Member] | None = None
    ) -> dict[str, Message]:
        """The answer to ``sync``: everyone present as joined, and the whole now-playing list;
        `gateway` may say who is `here` on it now (the socket asking is, even before its
        gateway's report of it has arrived)."""
        members = self.members(room, gateway, here)
        ordered = [members[user] for user in sorted(members)]
        return {
            PRESENCE: presence_changed(ordered, [], len(members)),
            NOW_PLAYING: now_playing_changed(self.now_playing(room, members)),
        }

    def due(self, now: float) -> list[tuple[int, str, Message]]:
        """(room, feature, message) for each dirty room not announced within the last interval
        whose presence or now playing differs from what it was last told; those rooms are then
        counted as told. A room told it is empty is forgotten once its interval is over."""
        out: list[tuple[int, str, Message]] = []
        for room in sorted(self.dirty):
            told = self.announced.setdefault(room, Announced())
            if now - told.at < self.interval:
                continue
            self.dirty.discard(room)
            members = self.members(room)
            joined = [members[u] for u in sorted(members) if told.members.get(u) != members[u]]
            left = [told.members[u] for u in sorted(told.members) if u not in members]
            now_playing = self.now_playing(room, members)
            if joined or left:
                out.append((room, PRESENCE, presence_changed(joined, left, len(members))))
            if now_playing != told.now_playing:
                out.append((room, NOW_PLAYING, now_playing_changed(now_playing)))
            if joined or left or now_playing != told.now_playing:
                told.members, told.now_playing, told.at = members, now_playing, now
        for room, told in list(self.announced.items()):
            if not told.members and now - told.at >= self.interval and room not in self.dirty:
                del self.announced[room]
        return out
