"""A socket's request budget (API.md §4: 20 requests a second, bursts of 40)."""

from __future__ import annotations

import time
from collections.abc import Callable

#: requests a socket may send: this many a second, in bursts of up to BURST
REQUESTS_PER_SECOND = 20.0
BURST = 40


class TokenBucket:
    """``rate`` tokens a second up to ``burst``; a request takes one."""

    __slots__ = ("rate", "burst", "clock", "tokens", "updated")

    def __init__(
        self,
        rate: float = REQUESTS_PER_SECOND,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
