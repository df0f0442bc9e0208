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

from dataclasses import replace

from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.common import config
from services.common.announcements import Announcements
from services.common.base import ServiceBase
from services.common.database import Database, utcnow
from services.common.errors import BadRequest
from services.common.principal import Principal
from services.common.rpc import rpc
from services.playstate import access, devices, playback, reports, resume, sessions, userdata
from services.playstate.guids import optional_guid
from services.playstate.items import Items
from services.playstate.progress import Outcome, ProgressBatches, report_all
from services.playstate.rules import Thresholds

THRESHOLDS = Thresholds.from_env()
SESSION_TIMEOUT_SECONDS = config.PLAYSTATE_SESSION_TIMEOUT_SECONDS.value()
EXPIRY_INTERVAL_SECONDS = config.PLAYSTATE_EXPIRY_INTERVAL_SECONDS.value()
EXPIRY_BATCH = 200
INACTIVE_KEPT_US = 24 * 3600 * 1_000_000
DEVICE_SESSION_KEPT_US = 30 * 24 * 3600 * 1_000_000


class PlaystateService(ServiceBase):
    name = "playstate"

    db = Database("playstate")
    accounts = RpcProxy("accounts")
    events = RpcProxy("events")
    items = Items()
    announce = Announcements()  # domain events, dispatched once a write commits
    touch = devices.DeviceTouches()  # marks the caller's device session active
    progress = ProgressBatches(THRESHOLDS)

    # user item data -----------------------------------------------------------------------------
    @rpc
    def get_user_data(self, principal: dict, user_id: str | None, item_id: str) -> dict:
        owner, item = access.owned_item(
            principal, user_id, item_id, self.accounts.find_user, self.items
        )
        self.touch(self.db, principal, hot=True)
        return userdata.dto(userdata.get(self.db, owner, item.id), item)

    @rpc(once=True)
    def mark_played(
        self, principal: dict, user_id: str | None, item_id: str, date_played: str | None = None
    ) -> dict:
        when = reports.parse_date(date_played)
        owner, item = access.owned_item(
            principal, user_id, item_id, self.accounts.find_user, self.items
        )
        now = utcnow()
        data = userdata.mark_played(self.db, owner, item.id, when, now, sessions.epoch_us(now))
        self.touch(self.db, principal)
        self.announce.announce(self.db, *playback.data_changed(data, item))
        return userdata.dto(data, item)

    @rpc(once=True)
    def mark_unplayed(self, principal: dict, user_id: str | None, item_id: str) -> dict:
        owner, item = access.owned_item(
            principal, user_id, item_id, self.accounts.find_user, self.items
        )
        data = userdata.mark_unplayed(self.db, owner, item.id, sessions.epoch_us(utcnow()))
        self.touch(self.db, principal)
        self.announce.announce(self.db, *playback.data_changed(data, item))
        return userdata.dto(data, item)

    # playback sessions --------------------------------------------------------------------------
    @rpc(once=True)
    def playback_start(
        self, principal: dict, user_id: str | None, info: dict, reported_us: int | None = None
    ) -> None:
        user, device, report, item = playback.resolve(
            self.db, self.items, principal, user_id, info, starting=True
        )
        if item is not None:
            now = utcnow()
            self.announce.announce_all(
                self.db,
                playback.start(
                    self.db, user, device, report, item, now, reported_us or sessions.epoch_us(now)
                ),
            )
        self.touch(self.db, principal)

    @rpc  # last-writer-wins: a redelivery changes nothing (services/playstate/progress.py)
    def playback_progress_batch(self, reports: list[dict]) -> list[Outcome]:
        """The gateway's progress reports, coalesced; each one's outcome, in order."""
        return report_all(self.db, self.items, self.touch, self.announce, self.progress, reports)

    @rpc(once=True)
    def playback_stop(
        self, principal: dict, user_id: str | None, info: dict, reported_us: int | None = None
    ) -> None:
        user, device, report, item = playback.resolve(self.db, self.items, principal, user_id, info)
        if item is not None:
            self.announce.announce_all(
                self.db,
                playback.stop(
                    self.db,
                    user,
                    device,
                    report,
                    item,
                    reported_us or sessions.epoch_us(utcnow()),
                    THRESHOLDS,
                ),
            )
        self.touch(self.db, principal)

    @rpc
    def ping(self, principal: dict, play_session_id: str | None) -> None:
        if not play_session_id:
            raise BadRequest("The playSessionId field is required.")
        user = access.caller_id(Principal.from_dict(principal))
        sessions.ping(self.db, user, play_session_id, sessions.epoch_us(utcnow()))
        self.touch(self.db, principal, hot=True)

    # devices: Jellyfin's sessions, continue listening -------------------------------------------
    @rpc
    def device_login(self, principal: dict) -> None:
        """A client logged in (AuthenticateByName): its device session starts now."""
        self.touch(self.db, principal)

    @rpc
    def list_sessions(self, principal: dict, query: dict, server_id: str) -> list[dict]:
        """``GET /Sessions``: SessionInfo of the devices the caller may see, newest first."""
        caller = Principal.from_dict(principal)
        return devices.list_sessions(self.db, caller, query, self.items.if_known, server_id)

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
        caller = Principal.from_dict(principal)
        owner = access.user_data_owner(
            caller, optional_guid(user_id, "userId"), self.accounts.find_user
        )
        wanted = (resume.ResumeQuery.parse_items if items_form else resume.ResumeQuery.parse)(query)
        self.touch(self.db, principal, hot=True)
        return resume.continue_listening(self.db, owner, wanted, self.items.if_known, server_id)

    @rpc
    def end_device_sessions(self, principal: dict, device_id: str | None = None) -> None:
        """Logging out (``POST /Sessions/Logout``): stop the caller's sessions on that device (by
        default the principal's) at their last reported position, as the idle timer would."""
        caller = Principal.from_dict(principal)
        user = access.caller_id(caller)
        device = sessions.device_key(replace(caller, device_id=device_id or caller.device_id))
        self.announce.announce_all(
            self.db,
            playback.end_device(
                self.db, user, device, self.items.if_known, sessions.epoch_us(utcnow()), THRESHOLDS
            ),
        )
        # the device's Jellyfin session ends too (it no longer appears in GET /Sessions)
        devices.end(self.db, user, device)
        self.touch.forget(user, device)

    @timer(interval=EXPIRY_INTERVAL_SECONDS)
    def stop_silent_sessions(self) -> None:
        """Stop sessions silent for the timeout at their last position, as a stop report would."""
        now_us = sessions.epoch_us(utcnow())
        cutoff_us = now_us - int(SESSION_TIMEOUT_SECONDS * 1e6)
        known = self.items.if_known
        playback.expire_silent(
            self.db, cutoff_us, EXPIRY_BATCH, known, now_us, THRESHOLDS, self.announce.announce_all
        )
        sessions.purge_inactive(self.db, now_us - INACTIVE_KEPT_US)
        devices.purge_idle(self.db, now_us - DEVICE_SESSION_KEPT_US)
