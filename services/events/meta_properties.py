"""An organizer's meta data properties (pretix's EventMetaProperty) and events' values of them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.common.errors import NotFound, ValidationFailed, field_error
from services.events.models import Event, MetaProperty, MetaValue
from services.events.values import Invalid

NAME = re.compile(r"^[a-zA-Z0-9_]+$")
MAX_NAME = 50


def property_view(prop: MetaProperty) -> dict[str, Any]:
    return {"id": prop.id, "name": prop.name, "default": prop.default}


#: built once, as services/events/store.py's _FIND_EVENT: every write's answer shows these
_OF_ORGANIZER = (
    select(MetaProperty)
    .where(MetaProperty.organizer == bindparam("organizer"))
    .order_by(MetaProperty.name)
)


def of_organizer(session: Session, organizer: str) -> list[MetaProperty]:
    return list(session.scalars(_OF_ORGANIZER, {"organizer": organizer}))


def find_property(session: Session, organizer: str, property_id: int) -> MetaProperty:
    prop = session.get(MetaProperty, property_id)
    if prop is None or prop.organizer != organizer:
        raise NotFound()
    return prop


def _name(value: Any) -> str:
    if value in (None, ""):
        raise Invalid("This field is required.")
    if not isinstance(value, str):
        raise Invalid("Not a valid string.")
    if len(value) > MAX_NAME:
        raise Invalid(f"Ensure this field has no more than {MAX_NAME} characters.")
    if not NAME.match(value):
        raise Invalid("The property name may only contain letters, numbers and underscores.")
    return value


def _default(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("Not a valid string.")
    return value


READERS = {"name": _name, "default": _default}


def _parse(body: dict[str, Any], partial: bool) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    changes: dict[str, str] = {}
    for field, reader in READERS.items():
        if field in body or not partial:
            try:
                changes[field] = reader(body.get(field))
            except Invalid as exc:
                errors[field] = [str(exc)]
    if errors:
        raise ValidationFailed(fields=errors)
    return changes


def _check_unique(session: Session, organizer: str, name: str, prop_id: int | None) -> None:
    clash = session.scalars(
        select(MetaProperty).where(MetaProperty.organizer == organizer, MetaProperty.name == name)
    ).first()
    if clash is not None and clash.id != prop_id:
        raise field_error("name", "A property with this name already exists.")


def create_property(session: Session, organizer: str, body: dict[str, Any]) -> MetaProperty:
    changes = _parse(body, partial=False)
    _check_unique(session, organizer, changes["name"], None)
    prop = MetaProperty(organizer=organizer, **changes)
    session.add(prop)
    session.flush()
    return prop


def update_property(
    session: Session, prop: MetaProperty, body: dict[str, Any], partial: bool
) -> MetaProperty:
    changes = _parse(body, partial)
    if "name" in changes:
        _check_unique(session, prop.organizer, changes["name"], prop.id)
    for field, value in changes.items():
        setattr(prop, field, value)
    session.flush()
    return prop


def delete_property(session: Session, prop: MetaProperty) -> None:
    session.delete(prop)
    session.flush()


def meta_data(own: dict[str, str], properties: Iterable[Any]) -> dict[str, str]:
    """An event's value of every property of its organizer (`properties`: objects or rows with a
    ``name`` and a ``default``): its `own` (:func:`own_values`), the default where it set none."""
    data = {prop.name: prop.default for prop in properties}
    data.update(own)
    return dict(sorted(data.items()))


def set_meta_data(event: Event, wanted: dict[str, str], properties: list[MetaProperty]) -> None:
    """Replace the event's values by `wanted` (names already validated); empty means unset."""
    by_name = {prop.name: prop for prop in properties}
    current = {value.property.name: value for value in event.meta_values}
    for name, row in current.items():
        if wanted.get(name, "") == "":
            event.meta_values.remove(row)
    for name, value in wanted.items():
        if value == "":
            continue
        if name in current:
            current[name].value = value
        else:
            event.meta_values.append(MetaValue(property=by_name[name], value=value))


def own_values(event: Event) -> dict[str, str]:
    """The values the event set itself (no defaults): what clone copies."""
    return {value.property.name: value.value for value in event.meta_values}
