"""Validation of pretix event bodies: every rule of API.md §2, with pretix's messages.

Pure functions: what needs the database (is a slug taken, which meta properties exist) comes in
through :class:`Rules`. Field errors are collected together; the checks across fields
(``non_field_errors``) run only when every field is valid, as in Django REST framework.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.common.errors import FieldErrors, ValidationFailed, too_long
from services.events import plugins, values
from services.events.currencies import CODES
from services.events.values import Invalid

SLUG = re.compile(r"^[a-zA-Z0-9.-]+$")
MAX_SLUG = 50
#: characters of an event's name, per language (API.md §1 "Limits")
MAX_NAME = 200
REQUIRED = ("name", "slug", "date_from")
NULLABLE = frozenset(
    {
        "date_to",
        "date_admission",
        "presale_start",
        "presale_end",
        "location",
        "geo_lat",
        "geo_lon",
        "seating_plan",
    }
)
LIVE_ON_CREATE = (
    "Events cannot be created as 'live'. Quotas and payment must be added to the "
    "event before sales can go live."
)
SUBEVENTS_CHANGED = "Once created an event cannot change between an series and a single event."


@dataclass(frozen=True)
class Rules:
    """What one validation needs to know besides the body.

    ``current`` holds the event's present values on PATCH/PUT (None on create and clone).
    """

    partial: bool
    current: dict[str, Any] | None
    meta_names: frozenset[str]
    slug_taken: Callable[[str], bool]

    @property
    def creating(self) -> bool:
        return self.current is None


def _slug(value: Any, rules: Rules) -> str:
    slug = values.text(value)
    if len(slug) > MAX_SLUG:
        raise Invalid(too_long(MAX_SLUG))
    if not SLUG.match(slug):
        raise Invalid("The slug may only contain letters, numbers, dots and dashes.")
    if rules.current is not None:  # not creating
        if slug != rules.current["slug"]:
            raise Invalid("The event slug cannot be changed.")
    elif rules.slug_taken(slug):
        raise Invalid("This slug has already been used for a different event.")
    return slug


def _live(value: Any, rules: Rules) -> bool:
    live = values.boolean(value)
    if live and rules.creating:
        raise Invalid(LIVE_ON_CREATE)
    return live


def _currency(value: Any, _rules: Rules) -> str:
    if not isinstance(value, str) or value not in CODES:
        raise Invalid(f'"{value}" is not a valid choice.')
    return value


def _has_subevents(value: Any, rules: Rules) -> bool:
    flag = values.boolean(value)
    if rules.current is not None and flag != rules.current["has_subevents"]:
        raise Invalid(SUBEVENTS_CHANGED)
    return flag


def _meta_data(value: Any, rules: Rules) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid("meta_data needs to be an object (str -> str).")
    for key, item in value.items():
        if key not in rules.meta_names:
            raise Invalid(f"Meta data property '{key}' does not exist.")
        if not isinstance(item, str):
            raise Invalid(f"Meta data property '{key}' must be a string.")
    return dict(value)


def _plugins(value: Any, _rules: Rules) -> list[str]:
    if not isinstance(value, list):
        raise Invalid(f'Expected a list of items but got type "{values.type_name(value)}".')
    if not all(isinstance(name, str) for name in value):
        raise Invalid("Not a valid string.")
    unknown = plugins.unknown_plugin(value)
    if unknown is not None:
        raise Invalid(f"Unknown plugin: '{unknown}'.")
    return list(dict.fromkeys(value))


def _seating_plan(value: Any, _rules: Rules) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"Incorrect type. Expected pk value, received {values.type_name(value)}.")
    raise Invalid(f'Invalid pk "{value}" - object does not exist.')


def _seat_category_mapping(value: Any, rules: Rules) -> dict[str, int]:
    """Only ``{}``: a mapping names products, and Setlist events have none (pretix's messages)."""
    if not isinstance(value, dict) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value.values()
    ):
        raise Invalid("seat_category_mapping needs to be an object (str -> int).")
    if value and rules.creating:
        raise Invalid("You cannot specify seat category mappings on event creation.")
    if value:
        raise Invalid(f"Item '{next(iter(value.values()))}' does not exist.")
    return {}


def _plain(reader: Callable[[Any], Any]) -> Callable[[Any, Rules], Any]:
    return lambda value, _rules: reader(value)


def _coordinate(limit: float) -> Callable[[Any, Rules], float]:
    return lambda value, _rules: values.within(values.number(value), -limit, limit)


FIELDS: dict[str, Callable[[Any, Rules], Any]] = {
    "name": _plain(lambda value: values.multilingual(value, MAX_NAME)),
    "slug": _slug,
    "live": _live,
    "testmode": _plain(values.boolean),
    "currency": _currency,
    "date_from": _plain(values.moment),
    "date_to": _plain(values.moment),
    "date_admission": _plain(values.moment),
    "is_public": _plain(values.boolean),
    "presale_start": _plain(values.moment),
    "presale_end": _plain(values.moment),
    "location": _plain(values.multilingual),
    "geo_lat": _coordinate(90),
    "geo_lon": _coordinate(180),
    "has_subevents": _has_subevents,
    "meta_data": _meta_data,
    "plugins": _plugins,
    "seating_plan": _seating_plan,
    "seat_category_mapping": _seat_category_mapping,
}


def _read_field(field: str, body: dict[str, Any], rules: Rules) -> Any:
    value = body[field]
    if value is None:
        if field not in NULLABLE:
            raise Invalid("This field may not be null.")
        return None
    if field == "location" and value in ("", {}):
        return None
    return FIELDS[field](value, rules)


def _cross_check(changes: dict[str, Any], rules: Rules) -> str | None:
    """pretix's date rules over the event as it would be; the first broken one."""
    merged = {**(rules.current or {}), **changes}

    def before(end: str, start: str) -> bool:
        first: datetime | None = merged.get(start)
        last: datetime | None = merged.get(end)
        return first is not None and last is not None and last < first

    if before("date_to", "date_from"):
        return "The event cannot end before it starts."
    if before("presale_end", "presale_start"):
        return "The event's presale cannot end before it starts."
    return None


def event_changes(body: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """The validated fields of `body` (only those it names); ValidationFailed with pretix's
    400 body otherwise. Unknown keys are ignored; read-only ``id``/``playlist`` too."""
    errors: FieldErrors = {}
    changes: dict[str, Any] = {}
    for field in FIELDS:
        if field in body:
            try:
                changes[field] = _read_field(field, body, rules)
            except Invalid as exc:
                errors[field] = [str(exc)]
        elif field in REQUIRED and not rules.partial:
            errors[field] = ["This field is required."]
    if not errors:
        cross = _cross_check(changes, rules)
        if cross:
            errors["non_field_errors"] = [cross]
    if errors:
        raise ValidationFailed(fields=errors)
    return changes
