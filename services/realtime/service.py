"""The realtime service: turns the events service's domain events into room messages and
broadcasts them to every gateway (``room_message``, which each gateway hears once)."""

from __future__ import annotations

from nameko.events import EventDispatcher, event_handler

from services.common.base import ServiceBase
from services.common.logs import current_correlation_id
from services.realtime import broadcasts


class RealtimeService(ServiceBase):
    name = "realtime"

    dispatch = EventDispatcher()

    def _broadcast(self, build, payload: dict) -> None:
        self.dispatch("room_message", build(payload, current_correlation_id()))

    @event_handler("events", "playlist_changed")
    def playlist_changed(self, payload: dict) -> None:
        self._broadcast(broadcasts.playlist_changed, payload)

    @event_handler("events", "event_changed")
    def event_changed(self, payload: dict) -> None:
        self._broadcast(broadcasts.event_changed, payload)

    @event_handler("events", "access_changed")
    def access_changed(self, payload: dict) -> None:
        self._broadcast(broadcasts.access_changed, payload)

    @event_handler("events", "event_deleted")
    def event_deleted(self, payload: dict) -> None:
        self._broadcast(broadcasts.event_deleted, payload)
