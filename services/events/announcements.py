"""How an events write tells the other services: its domain event, dispatched once the write is
committed (so it can no longer be rolled back), with the event's revision and a snapshot.

The ``announce`` dependency of the events service is nameko's event dispatcher handing each worker
an :class:`Announcer`. A change of an event's room (its name or access type, its access list, its
playlist) is one sequence, :meth:`Announcer.revise`: bump the revision, audit, flush, announce.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.common import announcements
from services.common.announcements import Payload
from services.common.principal import Principal
from services.events import audit, meta_properties, store
from services.events.models import Event, Track
from services.events.views import event_snapshot, event_view, playlist_snapshot


def view(db: Session, event: Event) -> Payload:
    """The event as the REST API shows it."""
    return event_view(event, meta_properties.of_organizer(db, event.organizer))


def snapshot(db: Session, event: Event) -> Payload:
    """The event as domain events and room messages carry it."""
    return event_snapshot(event, view(db, event))


def room_state(db: Session, event: Event) -> Payload:
    """What a room's ``sync`` answers: the event, its playlist and their revision."""
    return {
        "event": snapshot(db, event),
        "playlist": playlist_snapshot(event.playlist),
        "revision": event.revision,
    }


class Announcer(announcements.Announcer):
    """The events service's domain events of one worker."""

    def event_changed(self, db: Session, event: Event) -> Payload:
        """Announce ``event_changed``; returns the REST view of the event."""
        shown = view(db, event)
        self.announce(
            db,
            "event_changed",
            {
                "event_id": event.id,
                "revision": event.revision,
                "event": event_snapshot(event, shown),
            },
        )
        return shown

    def event_deleted(self, db: Session, event_id: int, revision: int) -> None:
        self.announce(db, "event_deleted", {"event_id": event_id, "revision": revision})

    def revise(
        self,
        db: Session,
        caller: Principal,
        event: Event,
        action: str,
        data: Payload,
        kind: str,
        payload: Callable[[], Payload],
    ) -> None:
        """A change of the event's room: count it (the revision), audit it as `action` with
        `data`, flush, and announce `kind` with the revision and `payload()` (taken after the
        flush)."""
        store.bump(event)
        audit.record(db, caller, action, event.organizer, event.id, data)
        db.flush()
        self.announce(db, kind, {"event_id": event.id, "revision": event.revision, **payload()})

    def room_event_changed(
        self, db: Session, caller: Principal, event: Event, data: Payload
    ) -> None:
        """The event's name or access type changed in its room (`data`: what was asked)."""
        self.revise(
            db,
            caller,
            event,
            "event.changed",
            data,
            "event_changed",
            lambda: {"event": snapshot(db, event)},
        )

    def access_changed(
        self, db: Session, caller: Principal, event: Event, user_id: int, mode: str | None
    ) -> None:
        """A user's access to the event became `mode` (None: revoked)."""
        self.revise(
            db,
            caller,
            event,
            "access.changed",
            {"user_id": user_id, "access_mode": mode},
            "access_changed",
            lambda: {"event": snapshot(db, event), "user_id": user_id, "access_mode": mode},
        )

    def playlist_changed(
        self, db: Session, caller: Principal, event: Event, action: str, track: Track
    ) -> None:
        """`track` was added to or removed from (`action`) the event's playlist."""
        self.revise(
            db,
            caller,
            event,
            f"playlist.{action}",
            {"track": track.id},
            "playlist_changed",
            lambda: {
                "playlist": playlist_snapshot(event.playlist),
                "change": {
                    "action": action,
                    "username": caller.username or "",
                    "track_name": track.name,
                },
            },
        )


class Announcements(announcements.Announcements):
    """``announce = Announcements()``: each worker gets an :class:`Announcer`."""

    announcer = Announcer
