"""The list filters of pretix's events resource, read from query parameters and applied in SQL.

Stricter than pretix on purpose (API.md §2): a value that cannot be read is a 400 naming the
parameter instead of being ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, not_, or_, select

from services.common.errors import ValidationFailed, field_error
from services.events import values
from services.events.models import Event, MetaValue
from services.events.values import Invalid

FLAGS = ("is_public", "live", "has_subevents", "testmode", "is_future", "is_past")
ORDERINGS = {"date_from": Event.date_from, "slug": Event.slug}
ATTR = re.compile(r"^attr\[(.+)\]$")


@dataclass(frozen=True)
class EventFilters:
    flags: dict[str, bool] = field(default_factory=dict)
    ends_after: datetime | None = None
    ordering: tuple[str, ...] = ("slug",)
    attrs: dict[str, str] = field(default_factory=dict)


def _flag(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise field_error(name, f'"{raw}" is not a valid boolean: use true or false.')


def _ordering(raw: str) -> tuple[str, ...]:
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not keys or any(key.lstrip("-") not in ORDERINGS for key in keys):
        raise field_error(
            "ordering",
            f'"{raw}" is not a valid ordering: use date_from, -date_from, slug or -slug.',
        )
    return keys


def parse_filters(args: Mapping[str, str]) -> EventFilters:
    """Filters from query parameters; other parameters (``page``, …) are not filters."""
    flags = {name: _flag(name, args[name]) for name in FLAGS if name in args}
    ends_after = None
    if "ends_after" in args:
        try:
            ends_after = values.moment(args["ends_after"])
        except Invalid:
            raise ValidationFailed(fields={"ends_after": ["Enter a valid date/time."]}) from None
    ordering = _ordering(args["ordering"]) if "ordering" in args else ("slug",)
    attrs = {match.group(1): value for key, value in args.items() if (match := ATTR.match(key))}
    return EventFilters(flags, ends_after, ordering, attrs)


def _ends_at_or_after(moment: datetime) -> ColumnElement[bool]:
    """The event is still on at `moment`: it ends then or later (no end: starts then or later)."""
    return or_(
        and_(Event.date_to.is_(None), Event.date_from >= moment),
        and_(Event.date_to.is_not(None), Event.date_to >= moment),
    )


def _over_by(moment: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Event.date_to.is_(None), Event.date_from < moment),
        and_(Event.date_to.is_not(None), Event.date_to < moment),
    )


def _single_and(condition: ColumnElement[bool], wanted: bool) -> ColumnElement[bool]:
    """pretix's is_future/is_past: series are never returned for true, always for false."""
    if wanted:
        return and_(Event.has_subevents.is_(False), condition)
    return or_(Event.has_subevents.is_(True), not_(condition))


def _attr(name: str, wanted: str, properties: dict[str, Any]) -> ColumnElement[bool]:
    """The event's value of property `name`, its organizer's default counting, equals `wanted`
    (empty: no value)."""
    prop = properties.get(name)
    if prop is None:
        return false() if wanted else Event.id.is_not(None)
    own = select(MetaValue).where(MetaValue.event_id == Event.id, MetaValue.property_id == prop.id)
    matches = exists(own.where(MetaValue.value == wanted))
    if wanted == prop.default:
        return or_(matches, not_(exists(own)))
    return matches


def apply(
    query: Select[Any], filters: EventFilters, properties: Iterable[Any], now: datetime
) -> Select[Any]:
    """`query` (a select from the events table) narrowed by `filters` and in their order; the
    organizer's `properties` are objects or rows with an ``id``, a ``name`` and a ``default``."""
    conditions: list[ColumnElement[bool]] = []
    for name in ("is_public", "live", "has_subevents", "testmode"):
        if name in filters.flags:
            conditions.append(getattr(Event, name).is_(filters.flags[name]))
    if "is_future" in filters.flags:
        conditions.append(_single_and(_ends_at_or_after(now), filters.flags["is_future"]))
    if "is_past" in filters.flags:
        conditions.append(_single_and(_over_by(now), filters.flags["is_past"]))
    if filters.ends_after is not None:
        conditions.append(_single_and(_ends_at_or_after(filters.ends_after), True))
    by_name = {prop.name: prop for prop in properties}
    conditions += [_attr(name, wanted, by_name) for name, wanted in filters.attrs.items()]
    order = [
        ORDERINGS[key.lstrip("-")].desc() if key.startswith("-") else ORDERINGS[key].asc()
        for key in filters.ordering
    ]
    return query.where(*conditions).order_by(*order, Event.id)
