"""The realtime service: turns the events service's domain events into room messages and
broadcasts them to every gateway (``room_message``, which each gateway hears once); keeps who is
present in each room and what they play, from the gateways' reports and playstate's
``playback_changed``, and broadcasts ``room_presence`` (see services/realtime/presence.py)."""

from __future__ import annotations

from nameko.events import BROADCAST, EventDispatcher, event_handler
from nameko.timer import timer

from services.common.base import ServiceBase
from services.common.logs import current_correlation_id
from services.common.rpc import rpc
from services.realtime import broadcasts
from services.realtime.presence import Message
from services.realtime.rooms import RoomsProvider

#: every realtime instance hears every report (each keeps the whole state)
everyone = {"handler_type": BROADCAST, "reliable_delivery": False}


class RealtimeService(ServiceBase):
    name = "realtime"

    dispatch = EventDispatcher()
    rooms = RoomsProvider()

    @event_handler("events", "playlist_changed")
    def playlist_changed(self, payload: dict) -> None:
        self.dispatch(
            "room_message", broadcasts.playlist_changed(payload, current_correlation_id())
        )

    @event_handler("events", "event_changed")
    def event_changed(self, payload: dict) -> None:
        self.dispatch("room_message", broadcasts.event_changed(payload, current_correlation_id()))

    @event_handler("events", "access_changed")
    def access_changed(self, payload: dict) -> None:
        self.dispatch("room_message", broadcasts.access_changed(payload, current_correlation_id()))

    @event_handler("events", "event_deleted")
    def event_deleted(self, payload: dict) -> None:
        self.dispatch("room_message", broadcasts.event_deleted(payload, current_correlation_id()))

    # presence and now playing -------------------------------------------------------------------
    @event_handler("gateway", "presence_changes", **everyone)
    def presence_changes(self, payload: dict) -> None:
        broadcasts.apply_presence_changes(self.rooms.state, payload, self.rooms.clock())

    @event_handler("gateway", "presence_heartbeat", **everyone)
    def presence_heartbeat(self, payload: dict) -> None:
        broadcasts.apply_heartbeat(self.rooms.state, payload, self.rooms.clock())

    @event_handler("gateway", "presence_stopped", **everyone)
    def gateway_stopped(self, payload: dict) -> None:
        self.rooms.state.gateway_stopped(payload["gateway"])

    @event_handler("playstate", "playback_changed", **everyone)
    def playback_changed(self, payload: dict) -> None:
        self.rooms.state.playback_changed(payload)

    @event_handler("realtime", "instance_alive", **everyone)
    def instance_alive(self, payload: dict) -> None:
        self.rooms.instances.alive(payload["instance"], self.rooms.clock())

    @timer(interval=1.0, eager=True)
    def say_alive(self) -> None:
        self.dispatch("instance_alive", {"instance": self.rooms.instances.me})

    @timer(interval=0.2, eager=True)
    def announce(self) -> None:
        for room, feature, message in self.rooms.tick():
            self.dispatch("room_presence", broadcasts.room_presence(room, feature, message))

    @rpc
    def room_presence(
        self, event_id: int, gateway: str | None = None, here: list[dict] | None = None
    ) -> dict[str, Message]:
        """``{"presence": presence.changed, "now_playing": now_playing.changed}`` of the room now
        (the ``sync`` answer's extra messages), with `gateway`'s own users as it says."""
        return self.rooms.state.snapshot(event_id, gateway, here)
