"""Which realtime instance speaks: every instance keeps the whole room state, but only one sends
its messages, so two instances never announce a change twice. Each instance says it is alive
every second (a ``BROADCAST`` event every instance hears); the speaker is the instance with the
smallest id among those heard from within ``timeout`` seconds (itself always included). A new
instance keeps quiet for its first ``timeout`` seconds, until it has heard the others."""

from __future__ import annotations


class Instances:
    def __init__(self, me: str, timeout: float = 3.0, started: float = float("-inf")) -> None:
        self.me = me
        self.timeout = timeout
        self.started = started
        self.seen: dict[str, float] = {}

    def alive(self, instance: str, now: float) -> None:
        self.seen[instance] = now

    def stopped(self, instance: str) -> None:
        self.seen.pop(instance, None)

    def speaker(self, now: float) -> str:
        live = [i for i, at in self.seen.items() if now - at <= self.timeout and i != self.me]
        return min([self.me, *live])

    def speaks(self, now: float) -> bool:
        return now - self.started >= self.timeout and self.speaker(now) == self.me
