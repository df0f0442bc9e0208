"""Group commit: many workers' small writes in one transaction.

Each worker hands its item to :meth:`Batcher.submit` and waits (a green wait: other workers run).
One green thread, the flusher, takes everything waiting (up to ``limit`` items) and writes it with
``write(items)``, which commits once. While that commit is under way the next items gather, so the
batches grow with the load by themselves, and a lone item is written at once (no timer). When the
write succeeds every submitter returns; when it raises, every submitter of that batch raises the
same error (nothing of the batch was committed), and the next batch is tried afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import eventlet
from eventlet.event import Event

T = TypeVar("T")


class Batcher(Generic[T]):
    def __init__(self, write: Callable[[list[T]], None], limit: int) -> None:
        self.write = write
        self.limit = max(1, limit)
        self.waiting: list[tuple[T, Event]] = []
        self.flushing = False

    def submit(self, item: T) -> None:
        """Returns once `item`'s batch is committed; raises what its batch's write raised."""
        done = Event()
        self.waiting.append((item, done))
        if not self.flushing:
            self.flushing = True
            eventlet.spawn_n(self._flush)
        done.wait()

    def _flush(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[: self.limit], self.waiting[self.limit :]
                try:
                    self.write([item for item, _ in batch])
                except BaseException as exc:  # handed to every submitter, none left waiting
                    for _, done in batch:
                        done.send_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                else:
                    for _, done in batch:
                        done.send(None)
        finally:
            self.flushing = False
