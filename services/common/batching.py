"""Group commit: many workers' small writes in one transaction (or one message).

Each worker hands its item to :meth:`Batcher.submit` (or several at once to :meth:`Batcher.submit_all`)
and waits (a green wait: other workers run). One green thread, the flusher, takes everything waiting
(up to ``limit`` items) and writes it with ``write(items)``, which returns one result per item (in
order). While that write is under way the next items gather, so the batches grow with the load by
themselves, and a lone item is written at once (no timer). With ``writers`` above one, a further
flusher starts while writes are under way once ``gather`` items wait: a writer that must wait for
another process (a gateway's batch calls to playstate) then hands on the next batch while the first
is still out, instead of every client waiting for the same write in lockstep. When the write
succeeds every submitter gets its item's result; when it raises, every submitter of that batch gets
the same error (nothing of the batch was written), and the next batch is tried afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import eventlet
from eventlet.event import Event

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    def __init__(
        self,
        write: Callable[[list[T]], Sequence[R]],
        limit: int,
        writers: int = 1,
        gather: int = 1,
    ) -> None:
        self.write = write
        self.limit = max(1, limit)
        self.writers = max(1, writers)
        self.gather = max(1, gather)
        self.waiting: list[tuple[T, Event]] = []
        self.flushing = 0  # flushers running

    def submit(self, item: T) -> R:
        """`item`'s result once its batch is written; raises what its batch's write raised."""
        result: R = self._enqueue([item])[0].wait()
        return result

    def submit_all(self, items: list[T]) -> list[R | Exception]:
        """Each item's result once its batch is written, or the exception its batch's write raised
        (the items join the waiting ones together, but more than ``limit`` span several batches)."""
        results: list[R | Exception] = []
        for done in self._enqueue(items):
            try:
                results.append(done.wait())
            except Exception as exc:  # noqa: BLE001 - the batch's failure, handed to the caller
                results.append(exc)
        return results

    def _enqueue(self, items: list[T]) -> list[Event]:
        """Queue the items, starting a flusher when none runs (or another, when enough wait); what
        each submitter waits on."""
        done = [Event() for _ in items]
        self.waiting.extend(zip(items, done, strict=True))
        if items and (
            not self.flushing or (self.flushing < self.writers and len(self.waiting) >= self.gather)
        ):
            self.flushing += 1
            eventlet.spawn_n(self._flush)
        return done

    def _flush(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[: self.limit], self.waiting[self.limit :]
                try:
                    results = self.write([item for item, _ in batch])
                    if len(results) != len(batch):
                        raise RuntimeError(f"{len(results)} results for {len(batch)} items")
                except BaseException as exc:  # handed to every submitter, none left waiting
                    for _, done in batch:
                        done.send_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                else:
                    for (_, done), result in zip(batch, results, strict=True):
                        done.send(result)
        finally:
            self.flushing -= 1
