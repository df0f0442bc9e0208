"""How a service tells the others about a write: its domain events, dispatched only once the write
is committed (so they can no longer be rolled back).

``announce = Announcements()`` is nameko's event dispatcher handing each worker an
:class:`Announcer`; a service with domain events of its own subclasses both (the events service's
room changes, accounts' revoked tokens and changed permissions) and names its announcer class in
:attr:`Announcements.announcer`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nameko.events import EventDispatcher
from sqlalchemy.orm import Session

from services.common.database import after_commit

Payload = dict[str, Any]
Announcement = tuple[str, Payload]


class Announcer:
    """Domain events of one worker; `dispatch` is nameko's ``dispatch(kind, payload)``."""

    def __init__(self, dispatch: Callable[[str, Payload], None]) -> None:
        self.dispatch = dispatch

    def announce(self, db: Session, kind: str, payload: Payload) -> None:
        """Dispatch `kind` once `db`'s transaction is committed."""
        after_commit(db, lambda: self.dispatch(kind, payload))

    def announce_all(self, db: Session, announcements: Iterable[Announcement]) -> None:
        """:meth:`announce` each ``(kind, payload)``, in order."""
        for kind, payload in announcements:
            self.announce(db, kind, payload)


class Announcements(EventDispatcher):
    """``announce = Announcements()``: each worker gets an :attr:`announcer`."""

    announcer: type[Announcer] = Announcer

    def get_dependency(self, worker_ctx: Any) -> Announcer:
        return self.announcer(super().get_dependency(worker_ctx))
