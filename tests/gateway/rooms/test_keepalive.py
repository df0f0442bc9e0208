"""The keepalive sweep: a ping for every socket, and those that answered none closed."""

from typing import cast

from gateway.rooms.keepalive import Keepalive
from gateway.rooms.transport import Transport


class Pinged:
    def __init__(self) -> None:
        self.ping_sent: float | None = None
        self.closed_with: int | None = None
        self.aborted = False

    def overdue(self, now: float, timeout: float) -> bool:
        return self.ping_sent is not None and now - self.ping_sent >= timeout

    def ping(self, now: float) -> None:
        self.ping_sent = now

    def close(self, code: int, reason: str = "") -> None:
        self.closed_with = code

    def abort(self) -> None:
        self.aborted = True


def test_a_socket_that_answers_no_ping_until_the_next_sweep_is_given_up():
    answering, silent = Pinged(), Pinged()
    keepalive = Keepalive(lambda: cast(list[Transport], [answering, silent]), interval=20)
    keepalive.sweep(now=100)
    assert answering.ping_sent == silent.ping_sent == 100
    answering.ping_sent = None  # its pong came back
    keepalive.sweep(now=120)
    assert (answering.ping_sent, answering.closed_with) == (120, None)
    assert (silent.closed_with, silent.aborted) == (1011, True)
