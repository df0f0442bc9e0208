"""Events as stored: find, create, update, clone, delete. Validation is `validation.py`'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from services.common.errors import NotFound, PermissionDenied
from services.events import meta_properties, playlists
from services.events.models import Event, MetaProperty, Playlist
from services.events.validation import Rules, event_changes

#: what clone copies from its source unless the body sets it
CLONED = ("is_public", "testmode", "plugins")
#: what an event's view reads beside its row (its playlist's id, its meta values), joined to it in
#: the one query that finds it for a write, whose answer is that view: one round trip instead of
#: three (the lazy loads had cost a third of the events service's CPU per retrieve)
SHOWN_WITH_EVENT = (joinedload(Event.playlist, innerjoin=True), joinedload(Event.meta_values))
#: built once: a statement made per call is built and keyed for SQLAlchemy's cache every time
_FIND_EVENT = (
    select(Event)
    .where(Event.organizer == bindparam("organizer"), Event.slug == bindparam("slug"))
    .options(*SHOWN_WITH_EVENT)
)
_FIND_EVENT_FOR_UPDATE = _FIND_EVENT.with_for_update(of=Event)


def find_event(session: Session, organizer: str, slug: str, for_update: bool = False) -> Event:
    """The organizer's event; PermissionDenied when there is none (pretix never says which).
    ``for_update`` locks its row until commit (see :func:`event_by_id`)."""
    query = _FIND_EVENT_FOR_UPDATE if for_update else _FIND_EVENT
    event = session.scalars(query, {"organizer": organizer, "slug": slug}).unique().one_or_none()
    if event is None:
        raise PermissionDenied()
    return event


def event_by_id(session: Session, event_id: int, for_update: bool = False) -> Event:
    """The event; ``for_update`` locks its row until commit, so that concurrent changes of one
    event (its playlist, its access list) run one after the other and each bumps the revision."""
    event = session.get(Event, event_id, with_for_update=for_update)
    if event is None:
        raise NotFound("Event not found")
    return event


def _slug_taken(session: Session, organizer: str) -> Callable[[str], bool]:
    def taken(slug: str) -> bool:
        found = session.scalar(
            select(func.count())
            .select_from(Event)
            .where(Event.organizer == organizer, Event.slug_key == slug.lower())
        )
        return (found or 0) > 0

    return taken


def _rules(
    session: Session,
    organizer: str,
    properties: list[MetaProperty],
    partial: bool,
    current: Event | None,
) -> Rules:
    present = (
        None
        if current is None
        else {
            field: getattr(current, field)
            for field in (
                "slug",
                "has_subevents",
                "date_from",
                "date_to",
                "presale_start",
                "presale_end",
            )
        }
    )
    return Rules(
        partial=partial,
        current=present,
        meta_names=frozenset(prop.name for prop in properties),
        slug_taken=_slug_taken(session, organizer),
    )


def _apply(event: Event, changes: dict[str, Any], properties: list[MetaProperty]) -> None:
    for field, value in changes.items():
        if field == "meta_data":
            meta_properties.set_meta_data(event, value, properties)
        else:
            setattr(event, field, value)
    event.slug_key = event.slug.lower()


def _new_event(
    session: Session,
    organizer: str,
    changes: dict[str, Any],
    properties: list[MetaProperty],
    author: int | None,
) -> Event:
    event = Event(
        organizer=organizer,
        author=author,
        live=False,
        testmode=False,
        currency="EUR",
        is_public=True,
        has_subevents=False,
        plugins=[],
        seat_category_mapping={},
        revision=1,
        playlist=Playlist(),
    )
    _apply(event, changes, properties)
    session.add(event)
    session.flush()
    return event


def create_event(
    session: Session, organizer: str, body: dict[str, Any], author: int | None
) -> Event:
    properties = meta_properties.of_organizer(session, organizer)
    changes = event_changes(body, _rules(session, organizer, properties, False, None))
    return _new_event(session, organizer, changes, properties, author)


def clone_event(session: Session, source: Event, body: dict[str, Any], author: int | None) -> Event:
    """A new event from `body` (validated as on create) with the source's public flag, test
    mode, plugins, meta data and playlist tracks, each unless the body sets it; without an
    admission time of its own it is admitted as long before its start as the source (pretix)."""
    properties = meta_properties.of_organizer(session, source.organizer)
    changes = event_changes(body, _rules(session, source.organizer, properties, False, None))
    for field in CLONED:
        changes.setdefault(field, getattr(source, field))
    changes.setdefault("meta_data", meta_properties.own_values(source))
    if changes.get("date_admission") is None and source.date_admission is not None:
        changes["date_admission"] = changes["date_from"] + (
            source.date_admission - source.date_from
        )
    event = _new_event(session, source.organizer, changes, properties, author)
    playlists.copy_entries(source.playlist, event.playlist)
    session.flush()
    return event


def update_event(session: Session, event: Event, body: dict[str, Any], partial: bool) -> Event:
    properties = meta_properties.of_organizer(session, event.organizer)
    changes = event_changes(body, _rules(session, event.organizer, properties, partial, event))
    _apply(event, changes, properties)
    bump(event)
    session.flush()
    return event


def delete_event(session: Session, event: Event) -> None:
    """Removes the event with its playlist, access list and meta values; a live one is kept."""
    if event.live:
        raise PermissionDenied('A live event cannot be deleted. Set "live" to false first.')
    session.delete(event)
    session.flush()


def bump(event: Event) -> int:
    """Count one more change of the event, its playlist or its access list."""
    event.revision += 1
    return event.revision
