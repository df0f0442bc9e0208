"""The playstate service: Jellyfin's per-user item data and playback sessions (API.md §3).

Each entrypoint reads its input, checks the caller, resolves the item (a cached catalogue lookup,
before any write), then writes with atomic upserts, commits, and only then dispatches
``user_data_changed`` / ``playback_started`` / ``playback_stopped``. A timer stops sessions that
have been silent for ``PLAYSTATE_SESSION_TIMEOUT_SECONDS`` at their last reported position.
"""

from __future__ import annotations

from typing import Any

from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.common import config
from services.common.base import ServiceBase
from services.common.database import Database, utcnow
from services.common.errors import BadRequest, NotFound
from services.common.principal import Principal
from services.common.rpc import rpc
from services.playstate import access, reports, sessions, userdata
from services.playstate.guids import optional_guid, parse_guid
from services.playstate.items import Items
from services.playstate.rules import Item, Thresholds, position_outcome
from services.playstate.userdata import UserData

THRESHOLDS = Thresholds.from_env()
SESSION_TIMEOUT_SECONDS = config.float_setting("PLAYSTATE_SESSION_TIMEOUT_SECONDS", 300.0)
EXPIRY_INTERVAL_SECONDS = config.float_setting("PLAYSTATE_EXPIRY_INTERVAL_SECONDS", 30.0)
EXPIRY_BATCH = 200
INACTIVE_KEPT_US = 24 * 3600 * 1_000_000


class PlaystateService(ServiceBase):
    name = "playstate"

    db = Database("playstate")
    accounts = RpcProxy("accounts")
    events = RpcProxy("events")
    items = Items()
    dispatch = EventDispatcher()

    # helpers ------------------------------------------------------------------------------------
    def _owner(self, principal: dict, user_id: str | None) -> str:
        return access.user_data_owner(Principal.from_dict(principal),
                                      optional_guid(user_id, "userId"), self.accounts.find_user)

    def _commit_and_announce(self, *announcements: tuple[str, dict]) -> None:
        """Commit, then tell the other services (the write can no longer be rolled back)."""
        self.db.commit()
        for kind, payload in announcements:
            self.dispatch(kind, payload)

    @staticmethod
    def _data_changed(data: UserData, item: Item) -> tuple[str, dict]:
        return "user_data_changed", {"user_id": data.user_id, "item_id": data.item_id,
                                     "user_data": userdata.dto(data, item)}

    @staticmethod
    def _playback(kind: str, user_id: str, device: str, play_session_id: str, item: Item,
                  position_ticks: int | None, **extra: Any) -> tuple[str, dict]:
        return kind, {"user_id": user_id, "item_id": item.id, "device_id": device,
                      "play_session_id": play_session_id, "position_ticks": position_ticks,
                      **extra}

    def _stop_user_data(self, user_id: str, item: Item, position_ticks: int | None,
                        reported_us: int) -> UserData:
        """A stop: the rules at the stop position, or PlayCount + 1 and played without one."""
        if position_ticks is None:
            return userdata.stop_without_position(self.db, user_id, item.id, reported_us)
        outcome = position_outcome(position_ticks, item, THRESHOLDS)
        return userdata.apply_position(self.db, user_id, item.id, outcome, reported_us,
                                       only_if_newer=False)  # type: ignore[return-value]

    def _report(self, principal: dict, user_id: str | None, info: dict, starting: bool = False
                ) -> tuple[str, str, reports.PlaybackReport, Item | None]:
        """(user, device, report, item) of a playback report; the item is the report's, else
        (progress and stop) the one the session is playing, else None. Resolved before anything
        is written."""
        report = reports.parse_report(info)
        caller = Principal.from_dict(principal)
        user = access.playing_user(caller, optional_guid(user_id, "userId"))
        device = sessions.device_key(caller)
        item_id = report.item_id
        if item_id is None and not starting:
            item_id = sessions.current_item(self.db, user, device, report.play_session_id)
            self.db.rollback()  # no transaction stays open across the catalogue lookup
        return user, device, report, self.items(item_id) if item_id else None

    # user item data -----------------------------------------------------------------------------
    @rpc
    def get_user_data(self, principal: dict, user_id: str | None, item_id: str) -> dict:
        item_key = parse_guid(item_id, "itemId")
        owner = self._owner(principal, user_id)
        item = self.items(item_key)
        return userdata.dto(userdata.get(self.db, owner, item.id), item)

    @rpc
    def mark_played(self, principal: dict, user_id: str | None, item_id: str,
                    date_played: str | None = None) -> dict:
        item_key, when = parse_guid(item_id, "itemId"), reports.parse_date(date_played)
        owner = self._owner(principal, user_id)
        item = self.items(item_key)
        now = utcnow()
        data = userdata.mark_played(self.db, owner, item.id, when, now, sessions.epoch_us(now))
        self._commit_and_announce(self._data_changed(data, item))
        return userdata.dto(data, item)

    @rpc
    def mark_unplayed(self, principal: dict, user_id: str | None, item_id: str) -> dict:
        item_key = parse_guid(item_id, "itemId")
        owner = self._owner(principal, user_id)
        item = self.items(item_key)
        data = userdata.mark_unplayed(self.db, owner, item.id, sessions.epoch_us(utcnow()))
        self._commit_and_announce(self._data_changed(data, item))
        return userdata.dto(data, item)

    # playback sessions --------------------------------------------------------------------------
    @rpc
    def playback_start(self, principal: dict, user_id: str | None, info: dict,
                       reported_us: int | None = None) -> None:
        user, device, report, item = self._report(principal, user_id, info, starting=True)
        if item is None:
            return
        now = utcnow()
        now_us = sessions.epoch_us(now)
        reported_us = reported_us or now_us
        sessions.record(self.db, user, device, item.id, report, now_us, reported_us,
                        starting=True)
        data = userdata.start(self.db, user, item, now, reported_us)
        self._commit_and_announce(
            self._playback("playback_started", user, device, report.play_session_id, item,
                           report.position_ticks),
            self._data_changed(data, item))

    @rpc
    def playback_progress(self, principal: dict, user_id: str | None, info: dict,
                          reported_us: int | None = None) -> None:
        user, device, report, item = self._report(principal, user_id, info)
        if item is None:
            return
        now_us = sessions.epoch_us(utcnow())
        reported_us = reported_us or now_us
        newer = sessions.record(self.db, user, device, item.id, report, now_us, reported_us,
                                starting=False)
        data = None
        if newer and report.position_ticks is not None:
            outcome = position_outcome(report.position_ticks, item, THRESHOLDS)
            data = userdata.apply_position(self.db, user, item.id, outcome, reported_us,
                                           only_if_newer=True)
        self._commit_and_announce(*([self._data_changed(data, item)] if data else []))

    @rpc
    def playback_stop(self, principal: dict, user_id: str | None, info: dict,
                      reported_us: int | None = None) -> None:
        user, device, report, item = self._report(principal, user_id, info)
        if item is None:
            return
        reported_us = reported_us or sessions.epoch_us(utcnow())
        sessions.end(self.db, user, device, report.play_session_id, reported_us)
        stopped = self._playback("playback_stopped", user, device, report.play_session_id, item,
                                 report.position_ticks, reason="failed" if report.failed
                                 else "stopped")
        if report.failed:  # a failed playback changes no user data
            self._commit_and_announce(stopped)
            return
        data = self._stop_user_data(user, item, report.position_ticks, reported_us)
        self._commit_and_announce(stopped, self._data_changed(data, item))

    @rpc
    def ping(self, principal: dict, play_session_id: str | None) -> None:
        if not play_session_id:
            raise BadRequest("The playSessionId field is required.")
        user = access.caller_id(Principal.from_dict(principal))
        sessions.ping(self.db, user, play_session_id, sessions.epoch_us(utcnow()))
        self.db.commit()  # before the reply, so the caller's next request sees it

    @timer(interval=EXPIRY_INTERVAL_SECONDS)
    def stop_silent_sessions(self) -> None:
        """Stop sessions silent for the timeout at their last position, as a stop report would."""
        now_us = sessions.epoch_us(utcnow())
        silent = sessions.silent_since(self.db, now_us - int(SESSION_TIMEOUT_SECONDS * 1e6),
                                       EXPIRY_BATCH)
        self.db.rollback()  # no transaction stays open across the catalogue lookups
        for row in silent:
            try:
                item = self.items(row.item_id)
            except NotFound:
                item = None
            if not sessions.claim_silent(self.db, row.id, row.last_seen_us):
                self.db.rollback()
                continue
            if item is None:  # the track left the catalogue: nothing to record
                self.db.commit()
                continue
            data = self._stop_user_data(row.user_id, item, row.position_ticks, now_us)
            self._commit_and_announce(
                self._playback("playback_stopped", row.user_id, row.device_key,
                               row.play_session_id, item, row.position_ticks, reason="expired"),
                self._data_changed(data, item))
        sessions.purge_inactive(self.db, now_us - INACTIVE_KEPT_US)
