"""The bytes a socket could not take yet, bounded in bytes.

A frame goes straight to the kernel when the socket can take it; only what is left over waits
here, in order, until the socket is writable again. A client that lets more than ``limit`` bytes
pile up reads too slowly: the caller closes it (1013) instead of buffering without bound.
"""

from __future__ import annotations

from collections import deque


class Backlog:
    """Chunks waiting for one socket; the first may be partly written already."""

    __slots__ = ("limit", "chunks", "offset", "size")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: deque[bytes] = deque()
        self.offset = 0  #: bytes of the first chunk already written
        self.size = 0  #: bytes still to write

    def __bool__(self) -> bool:
        return bool(self.chunks)

    def fits(self, size: int) -> bool:
        """Whether `size` more bytes stay within the limit (a first chunk always fits, so that a
        frame larger than the limit still reaches a client that reads)."""
        return not self.chunks or self.size + size <= self.limit

    def push(self, data: bytes, written: int = 0) -> None:
        """Queue `data`, of which `written` bytes have already gone out (only for the first)."""
        assert written == 0 or not self.chunks, "only the first chunk may be partly written"
        self.chunks.append(data)
        self.offset = written if len(self.chunks) == 1 else self.offset
        self.size += len(data) - written

    def head(self) -> memoryview:
        """What to write next: the rest of the first chunk."""
        return memoryview(self.chunks[0])[self.offset :]

    def written(self, count: int) -> None:
        """`count` bytes of :meth:`head` went out."""
        self.size -= count
        self.offset += count
        if self.offset == len(self.chunks[0]):
            self.chunks.popleft()
            self.offset = 0

    def drop_unstarted(self) -> None:
        """Forget every chunk not yet begun; a partly written one stays, so that the stream of
        frames stays whole for what comes after it (a close frame)."""
        if self.offset:
            head = self.chunks[0]
            self.chunks.clear()
            self.chunks.append(head)
            self.size = len(head) - self.offset
        else:
            self.chunks.clear()
            self.size = 0
