"""The keepalive of every socket of the process, in one green thread (not one per socket).

Every ``interval`` the sweep pings each socket with the same frame bytes; a socket that has sent
nothing back (no pong, nor anything else) since the previous sweep's ping is given up: close
1011 and the TCP connection dropped, as websockets' own keepalive does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import eventlet

from gateway.rooms.transport import PING_TIMEOUT, Transport
from services.common import config

#: seconds between pings, and to wait for the pong, before giving a socket up
PING_INTERVAL = config.WEBSOCKET_PING_SECONDS.value()
#: sockets pinged before the sweep lets other green threads run
SWEEP_SLICE = 500


class Keepalive:
    def __init__(
        self, transports: Callable[[], Iterable[Transport]], interval: float = PING_INTERVAL
    ) -> None:
        self.transports = transports
        self.interval = interval

    def run(self) -> None:
        while True:
            eventlet.sleep(self.interval)
            self.sweep(time.monotonic())

    def sweep(self, now: float) -> None:
        for index, transport in enumerate(list(self.transports())):
            if transport.overdue(now, self.interval):
                transport.close(PING_TIMEOUT, "keepalive ping timeout")
                transport.abort()
            else:
                transport.ping(now)
            if index % SWEEP_SLICE == SWEEP_SLICE - 1:
                eventlet.sleep(0)
