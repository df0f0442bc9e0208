"""``rooms = Rooms()`` on the realtime service: the process's one :class:`RoomState` of presence
and now playing, and which realtime instance speaks (:class:`Instances`), shared by its workers."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from nameko.extensions import DependencyProvider

from services.common import config
from services.realtime.instances import Instances
from services.realtime.presence import Message, RoomState

#: changes of one room are gathered and sent at most once per this many seconds (API.md §4)
ANNOUNCE_INTERVAL = 1.0


@dataclass
class Rooms:
    state: RoomState
    instances: Instances

    @staticmethod
    def clock() -> float:
        return time.monotonic()

    def tick(self) -> list[tuple[int, str, Message]]:
        """Drop silent gateways, then what is due; only the speaking instance returns it (the
        others keep their record of what was announced in step, to take over without repeats)."""
        now = self.clock()
        self.state.expire(now)
        due = self.state.due(now)
        return due if self.instances.speaks(now) else []


class RoomsProvider(DependencyProvider):
    def setup(self) -> None:
        self.rooms = Rooms(
            RoomState(ANNOUNCE_INTERVAL, config.PRESENCE_GATEWAY_TIMEOUT_SECONDS.value()),
            Instances(uuid.uuid4().hex, started=Rooms.clock()),
        )

    def get_dependency(self, worker_ctx: Any) -> Rooms:
        return self.rooms
