"""The playstate service: Jellyfin's per-user item data and playback sessions (API.md §3).

Each entrypoint reads its input, checks the caller, resolves the item (a cached catalogue lookup,
before any write), then writes with atomic upserts; ``user_data_changed`` / ``playback_started`` /
``playback_stopped`` are dispatched once the write is committed. Writes are ``@rpc(once=True)``: a
redelivered report is answered from its record, not counted again. A timer stops sessions that
have been silent for ``PLAYSTATE_SESSION_TIMEOUT_SECONDS`` at their last reported position.

Every call of a user touches the device session of the caller's device (``devices``), after its own
work; the calls of the hot path (progress, ping, reads) at most once per
``PLAYSTATE_DEVICE_TOUCH_SECONDS`` per device. ``list_sessions`` never touches.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.common import config
from services.common.base import ServiceBase
from services.common.database import Database, after_commit, commit, utcnow
from services.common.errors import BadRequest, NotFound
from services.common.principal import Principal
from services.common.rpc import rpc
from services.playstate import access, devices, playback, reports, resume, sessions, userdata
from services.playstate.guids import optional_guid, parse_guid
from services.playstate.items import Items
from services.playstate.progress import Progress, ProgressBatches
from services.playstate.rules import Item, Thresholds
from services.playstate.userdata import UserData

THRESHOLDS = Thresholds.from_env()
SESSION_TIMEOUT_SECONDS = config.PLAYSTATE_SESSION_TIMEOUT_SECONDS.value()
EXPIRY_INTERVAL_SECONDS = config.PLAYSTATE_EXPIRY_INTERVAL_SECONDS.value()
EXPIRY_BATCH = 200
INACTIVE_KEPT_US = 24 * 3600 * 1_000_000
DEVICE_SESSION_KEPT_US = 30 * 24 * 3600 * 1_000_000
TOUCHES = devices.TouchThrottle(config.PLAYSTATE_DEVICE_TOUCH_SECONDS.value())


class PlaystateService(ServiceBase):
    name = "playstate"

    db = Database("playstate")
    accounts = RpcProxy("accounts")
    events = RpcProxy("events")
    items = Items()
    dispatch = EventDispatcher()
    progress = ProgressBatches(THRESHOLDS)

    # helpers ------------------------------------------------------------------------------------
    def _owner(self, principal: dict, user_id: str | None) -> str:
        return access.user_data_owner(
            Principal.from_dict(principal),
            optional_guid(user_id, "userId"),
            self.accounts.find_user,
        )

    def _item_if_known(self, item_id: str) -> Item | None:
        try:
            return self.items(item_id)
        except NotFound:
            return None

    def _touch(self, principal: dict, hot: bool = False) -> None:
        """Mark the caller's device session active now (on the hot path: unless done lately)."""
        device = devices.Device.of(Principal.from_dict(principal))
        if not hot or TOUCHES.due(device):
            devices.touch(self.db, device, sessions.epoch_us(utcnow()))

    def _announce(self, *announcements: playback.Announcement) -> None:
        """Tell the other services once the write is committed (can no longer be rolled back)."""
        for kind, payload in announcements:
            after_commit(self.db, functools.partial(self.dispatch, kind, payload))

    def _report(
        self, principal: dict, user_id: str | None, info: dict, starting: bool = False
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
        self._touch(principal, hot=True)
        return userdata.dto(userdata.get(self.db, owner, item.id), item)

    def _mark(
        self,
        principal: dict,
        user_id: str | None,
        item_id: str,
        write: Callable[[str, Item, datetime], UserData],
    ) -> dict:
        item_key = parse_guid(item_id, "itemId")
        owner = self._owner(principal, user_id)
        item = self.items(item_key)
        data = write(owner, item, utcnow())
        self._touch(principal)
        self._announce(playback.data_changed(data, item))
        return userdata.dto(data, item)

    @rpc(once=True)
    def mark_played(
        self, principal: dict, user_id: str | None, item_id: str, date_played: str | None = None
    ) -> dict:
        when = reports.parse_date(date_played)
        return self._mark(
            principal,
            user_id,
            item_id,
            lambda owner, item, now: userdata.mark_played(
                self.db, owner, item.id, when, now, sessions.epoch_us(now)
            ),
        )

    @rpc(once=True)
    def mark_unplayed(self, principal: dict, user_id: str | None, item_id: str) -> dict:
        return self._mark(
            principal,
            user_id,
            item_id,
            lambda owner, item, now: userdata.mark_unplayed(
                self.db, owner, item.id, sessions.epoch_us(now)
            ),
        )

    # playback sessions --------------------------------------------------------------------------
    @rpc(once=True)
    def playback_start(
        self, principal: dict, user_id: str | None, info: dict, reported_us: int | None = None
    ) -> None:
        user, device, report, item = self._report(principal, user_id, info, starting=True)
        if item is not None:
            now = utcnow()
            self._announce(
                *playback.start(
                    self.db, user, device, report, item, now, reported_us or sessions.epoch_us(now)
                )
            )
        self._touch(principal)

    @rpc  # last-writer-wins: a redelivery changes nothing (services/playstate/progress.py)
    def playback_progress(
        self, principal: dict, user_id: str | None, info: dict, reported_us: int | None = None
    ) -> None:
        user, device, report, item = self._report(principal, user_id, info)
        if item is not None:
            now_us = sessions.epoch_us(utcnow())
            progress = Progress(user, device, report, item, now_us, reported_us or now_us)
            self.progress.submit(progress)
            self._announce(*progress.announcements)
        self._touch(principal, hot=True)

    @rpc(once=True)
    def playback_stop(
        self, principal: dict, user_id: str | None, info: dict, reported_us: int | None = None
    ) -> None:
        user, device, report, item = self._report(principal, user_id, info)
        if item is not None:
            self._announce(
                *playback.stop(
                    self.db,
                    user,
                    device,
                    report,
                    item,
                    reported_us or sessions.epoch_us(utcnow()),
                    THRESHOLDS,
                )
            )
        self._touch(principal)

    @rpc
    def ping(self, principal: dict, play_session_id: str | None) -> None:
        if not play_session_id:
            raise BadRequest("The playSessionId field is required.")
        user = access.caller_id(Principal.from_dict(principal))
        sessions.ping(self.db, user, play_session_id, sessions.epoch_us(utcnow()))
        self._touch(principal, hot=True)

    # devices: Jellyfin's sessions, continue listening -------------------------------------------
    @rpc
    def device_login(self, principal: dict) -> None:
        """A client logged in (AuthenticateByName): its device session starts now."""
        self._touch(principal)

    @rpc
    def list_sessions(self, principal: dict, query: dict, server_id: str) -> list[dict]:
        """``GET /Sessions``: SessionInfo of the devices the caller may see, newest first."""
        caller, wanted = Principal.from_dict(principal), devices.SessionQuery.parse(query)
        rows = devices.visible(self.db, caller, wanted)
        playing = sessions.playing_by_device(
            self.db, None if caller.is_admin else access.caller_id(caller)
        )
        self.db.rollback()  # read only; no transaction stays open across the catalogue lookups
        listed = devices.newest_first(
            rows, playing, sessions.epoch_us(utcnow()), wanted.active_within_seconds
        )
        return devices.session_infos(listed, self._item_if_known, server_id)

    @rpc
    def resume_items(
        self,
        principal: dict,
        user_id: str | None,
        query: dict[str, list[str]],
        server_id: str,
        items_form: bool = False,
    ) -> dict:
        """Continue listening (``Items/Resume``, or ``Items?Filters=IsResumable``)."""
        owner = self._owner(principal, user_id)
        wanted = (resume.ResumeQuery.parse_items if items_form else resume.ResumeQuery.parse)(query)
        playing = (
            sessions.playing_items(self.db, owner) if wanted.exclude_active_sessions else set()
        )
        total, page = resume.page(self.db, owner, wanted, playing)
        self._touch(principal, hot=True)
        commit(self.db)  # no transaction stays open across the catalogue lookups
        return resume.result(
            resume.base_items(page, self._item_if_known, server_id, wanted.enable_user_data),
            total,
            wanted,
        )

    @rpc
    def end_device_sessions(self, principal: dict, device_id: str | None = None) -> None:
        """Logging out (``POST /Sessions/Logout``): stop the caller's sessions on that device (by
        default the principal's) at their last reported position, as the idle timer would."""
        caller = Principal.from_dict(principal)
        user = access.caller_id(caller)
        device = sessions.device_key(replace(caller, device_id=device_id or caller.device_id))
        playing = sessions.active_on_device(self.db, user, device)
        self.db.rollback()  # no transaction stays open across the catalogue lookups
        items = {row.item_id: self._item_if_known(row.item_id) for row in playing}
        now_us = sessions.epoch_us(utcnow())
        for row in playing:
            self._announce(
                *playback.expire(
                    self.db, row, items[row.item_id], now_us, THRESHOLDS, reason="logout"
                )
            )
        # the device's Jellyfin session ends too (it no longer appears in GET /Sessions)
        devices.end(self.db, user, device)
        TOUCHES.forget(user, device)

    @timer(interval=EXPIRY_INTERVAL_SECONDS)
    def stop_silent_sessions(self) -> None:
        """Stop sessions silent for the timeout at their last position, as a stop report would."""
        now_us = sessions.epoch_us(utcnow())
        silent = sessions.silent_since(
            self.db, now_us - int(SESSION_TIMEOUT_SECONDS * 1e6), EXPIRY_BATCH
        )
        self.db.rollback()  # no transaction stays open across the catalogue lookups
        for row in silent:
            item = self._item_if_known(row.item_id)
            self._announce(*playback.expire(self.db, row, item, now_us, THRESHOLDS))
            commit(self.db)
        sessions.purge_inactive(self.db, now_us - INACTIVE_KEPT_US)
        devices.purge_idle(self.db, now_us - DEVICE_SESSION_KEPT_US)
