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

# a domain event, `(kind, payload)`: defined where it is published, named here for the services
from services.common.confirmed_publish import Announcement as Announcement
from services.common.confirmed_publish import Payload as Payload
from services.common.confirmed_publish import publish_events
from services.common.database import after_commit


class Announcer:
    """Domain events of one worker; `dispatch` is nameko's ``dispatch(kind, payload)``,
    `dispatch_all` publishes many with one wait for the broker's confirms
    (`services/common/confirmed_publish.py`)."""

    def __init__(
        self,
        dispatch: Callable[[str, Payload], None],
        dispatch_all: Callable[[list[Announcement]], None],
    ) -> None:
        self.dispatch = dispatch
        self.dispatch_all = dispatch_all

    def announce(self, db: Session, kind: str, payload: Payload) -> None:
        """Dispatch `kind` once `db`'s transaction is committed."""
        after_commit(db, lambda: self.dispatch(kind, payload))

    def announce_all(self, db: Session, announcements: Iterable[Announcement]) -> None:
        """Dispatch each ``(kind, payload)``, in order, once `db`'s transaction is committed."""
        events = list(announcements)
        if len(events) == 1:
            self.announce(db, *events[0])
        elif events:
            after_commit(db, lambda: self.dispatch_all(events))


class Announcements(EventDispatcher):
    """``announce = Announcements()``: each worker gets an :attr:`announcer`."""

    announcer: type[Announcer] = Announcer

    def get_dependency(self, worker_ctx: Any) -> Announcer:
        publisher = self.publisher

        def dispatch_all(events: list[Announcement]) -> None:
            # the headers are read only when several events go out at once, not a second time for
            # every worker (nameko's dispatch below has read them already)
            publish_events(
                self.amqp_uri,
                self.exchange,
                events,
                self.get_message_headers(worker_ctx),
                publisher.serializer,
                ssl=publisher.ssl,
                login_method=publisher.login_method,
            )

        return self.announcer(super().get_dependency(worker_ctx), dispatch_all)
