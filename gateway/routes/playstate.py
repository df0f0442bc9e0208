"""Routes of API.md §3: Jellyfin's PlaystateController (10.8 paths and the 10.9 ones), read-backs.

Paths and query names match in any case (paths are lower-cased by the server, query names here).
The handlers only gather input: the playstate service validates it, checks the caller and applies
Jellyfin's rules. Session reports carry the time the gateway received them, so the newest report
wins however they reach the service; progress reports reach it coalesced (`gateway/progress.py`).
"""

from __future__ import annotations

import time
from typing import Any

from werkzeug.wrappers import Request

from gateway.bodies import jellyfin_lists, jellyfin_object, jellyfin_query
from gateway.http import route
from gateway.progress import progress_route
from gateway.routes.base import RouteBase

USER_PLAYED = "/users/<user_id>/playeditems/<item_id>"
PLAYED = "/userplayeditems/<item_id>"
USER_PLAYING = "/users/<user_id>/playingitems/<item_id>"
PLAYING = "/playingitems/<item_id>"


def _report_time() -> int:
    return time.time_ns() // 1000


class PlaystateRoutes(RouteBase):
    """Mixin of the gateway service: playstate's routes (Jellyfin's PlaystateController)."""

    # user item data ------------------------------------------------------------------------
    def _mark(self, request: Request, user_id: str | None, item_id: str) -> Any:
        caller = self._caller(request)
        if request.method == "DELETE":
            return self.playstate.mark_unplayed(caller, user_id, item_id)
        query = jellyfin_query(request)
        return self.playstate.mark_played(caller, user_id, item_id, query.get("dateplayed"))

    @route("POST,DELETE", USER_PLAYED)
    def mark_user_played_item(self, request: Request, user_id: str, item_id: str) -> Any:
        return self._mark(request, user_id, item_id)

    @route("POST,DELETE", PLAYED)
    def mark_played_item(self, request: Request, item_id: str) -> Any:
        return self._mark(request, jellyfin_query(request).get("userid"), item_id)

    @route("GET", "/users/<user_id>/items/<item_id>/userdata")
    def get_user_item_data(self, request: Request, user_id: str, item_id: str) -> Any:
        return self.playstate.get_user_data(self._caller(request), user_id, item_id)

    @route("GET", "/useritems/<item_id>/userdata")
    def get_item_user_data(self, request: Request, item_id: str) -> Any:
        return self.playstate.get_user_data(
            self._caller(request), jellyfin_query(request).get("userid"), item_id
        )

    def _report(
        self, stage: str, caller: dict[str, Any], user_id: str | None, info: dict[str, Any]
    ) -> None:
        """Hand a report to playstate: progress coalesced with others, start and stop alone."""
        reported = _report_time()
        if stage == "progress":
            self.report_progress(caller, user_id, info, reported)
        else:
            getattr(self.playstate, f"playback_{stage}")(caller, user_id, info, reported)

    # playback reported in the query (the body is ignored) ------------------------------------
    def _playing(self, request: Request, user_id: str | None, item_id: str, stage: str) -> None:
        caller = self._caller(request)  # credentials are checked before the input
        self._report(stage, caller, user_id, {**jellyfin_query(request), "itemid": item_id})

    @route("POST", USER_PLAYING)
    def on_playback_start(self, request: Request, user_id: str, item_id: str) -> None:
        self._playing(request, user_id, item_id, "start")

    @progress_route("POST", USER_PLAYING + "/progress")
    def on_playback_progress(self, request: Request, user_id: str, item_id: str) -> None:
        self._playing(request, user_id, item_id, "progress")

    @route("DELETE", USER_PLAYING)
    def on_playback_stopped(self, request: Request, user_id: str, item_id: str) -> None:
        self._playing(request, user_id, item_id, "stop")

    @route("POST", PLAYING)
    def on_playback_start_caller(self, request: Request, item_id: str) -> None:
        self._playing(request, None, item_id, "start")

    @progress_route("POST", PLAYING + "/progress")
    def on_playback_progress_caller(self, request: Request, item_id: str) -> None:
        self._playing(request, None, item_id, "progress")

    @route("DELETE", PLAYING)
    def on_playback_stopped_caller(self, request: Request, item_id: str) -> None:
        self._playing(request, None, item_id, "stop")

    # playback reported in a Playback*Info body ------------------------------------------------
    def _session_report(self, request: Request, stage: str) -> None:
        caller = self._caller(request)  # credentials are checked before the input
        self._report(stage, caller, None, jellyfin_object(request))

    @route("POST", "/sessions/playing")
    def report_playback_start(self, request: Request) -> None:
        self._session_report(request, "start")

    @progress_route("POST", "/sessions/playing/progress")
    def report_playback_progress(self, request: Request) -> None:
        self._session_report(request, "progress")

    @route("POST", "/sessions/playing/stopped")
    def report_playback_stopped(self, request: Request) -> None:
        self._session_report(request, "stop")

    @route("POST", "/sessions/playing/ping")
    def ping_playback_session(self, request: Request) -> None:
        self.playstate.ping(self._caller(request), jellyfin_query(request).get("playsessionid"))

    # Jellyfin's sessions and continue listening -------------------------------------------------
    @route("GET", "/sessions")
    def get_sessions(self, request: Request) -> Any:
        return self.playstate.list_sessions(
            self._caller(request), jellyfin_query(request), self.server_identity()["id"]
        )

    def _resume(self, request: Request, user_id: str | None, items_form: bool = False) -> Any:
        query = jellyfin_lists(request)
        if user_id is None:
            user_id = next(iter(query.get("userid", [])), None)
        return self.playstate.resume_items(
            self._caller(request), user_id, query, self.server_identity()["id"], items_form
        )

    @route("GET", "/users/<user_id>/items/resume")
    def get_user_resume_items(self, request: Request, user_id: str) -> Any:
        return self._resume(request, user_id)

    @route("GET", "/useritems/resume")
    def get_resume_items(self, request: Request) -> Any:
        return self._resume(request, None)

    @route("GET", "/users/<user_id>/items")
    def get_user_items(self, request: Request, user_id: str) -> Any:
        return self._resume(request, user_id, items_form=True)

    @route("GET", "/items")
    def get_items(self, request: Request) -> Any:
        return self._resume(request, None, items_form=True)
