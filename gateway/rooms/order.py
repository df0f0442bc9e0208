"""A room's revision order at one gateway.

Room messages can arrive out of order (several realtime instances, concurrent workers): one that
arrives early waits briefly for the missing revision, and one that arrives after a newer one was
delivered is dropped (it would take a client back in time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import eventlet

from services.common import config

#: how long a room message that arrives ahead of a missing revision waits for it
REORDER_SECONDS = config.WEBSOCKET_REORDER_SECONDS.value()


class RoomOrder:
    """A message one revision after the last delivered (or the first one) goes out at once,
    followed by any held ones that now follow on; one further ahead waits up to
    ``REORDER_SECONDS`` for the gap to fill, then goes out anyway; one not newer than the last
    delivered is dropped."""

    def __init__(self, send: Callable[[dict[str, Any]], None]) -> None:
        self.send = send
        self.last = 0
        self.held: dict[int, dict[str, Any]] = {}
        self.timer: Any = None

    def arrived(self, message: dict[str, Any]) -> None:
        revision = message["revision"]
        if revision <= self.last or revision in self.held:
            return
        if self.last and revision > self.last + 1:
            self.held[revision] = message
            if self.timer is None:
                self.timer = eventlet.spawn_after(REORDER_SECONDS, self.flush)
            return
        self._deliver(message)
        while self.last + 1 in self.held:
            self._deliver(self.held.pop(self.last + 1))
        if not self.held:
            self.forget()

    def flush(self) -> None:
        """The gap did not fill in time: deliver what is held, in order."""
        self.timer = None
        for revision in sorted(self.held):
            self._deliver(self.held.pop(revision))

    def _deliver(self, message: dict[str, Any]) -> None:
        self.last = message["revision"]
        self.send(message)

    def forget(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
