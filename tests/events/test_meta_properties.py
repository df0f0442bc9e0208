"""services/events/meta_properties.py: an organizer's properties and events' values of them."""

import pytest

from services.common.errors import NotFound, ValidationFailed
from services.events import meta_properties, store


@pytest.fixture
def session(session_for):
    return session_for("events")


def fields(call, *args) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)
    return caught.value.fields


def test_create_find_update_delete(session):
    prop = meta_properties.create_property(session, "org-m", {"name": "Format"})
    assert meta_properties.property_view(prop) == {"id": prop.id, "name": "Format", "default": ""}
    assert meta_properties.find_property(session, "org-m", prop.id) is prop
    with pytest.raises(NotFound):
        meta_properties.find_property(session, "org-other", prop.id)
    meta_properties.update_property(session, prop, {"default": "Talk"}, partial=True)
    assert prop.default == "Talk"
    meta_properties.delete_property(session, prop)
    assert meta_properties.of_organizer(session, "org-m") == []


@pytest.mark.parametrize(
    "body, errors",
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": 3}, {"name": ["Not a valid string."]}),
        (
            {"name": "a b"},
            {"name": ["The property name may only contain letters, numbers and underscores."]},
        ),
        ({"name": "x" * 51}, {"name": ["Ensure this field has no more than 50 characters."]}),
        ({"name": "ok", "default": 1}, {"default": ["Not a valid string."]}),
    ],
)
def test_invalid_properties(session, body, errors):
    assert fields(meta_properties.create_property, session, "org-m", body) == errors


def test_names_are_unique_in_an_organizer(session):
    meta_properties.create_property(session, "org-m", {"name": "Room"})
    other = meta_properties.create_property(session, "org-m", {"name": "Level"})
    message = {"name": ["A property with this name already exists."]}
    assert fields(meta_properties.create_property, session, "org-m", {"name": "Room"}) == message
    assert (
        fields(meta_properties.update_property, session, other, {"name": "Room"}, True) == message
    )
    assert meta_properties.create_property(session, "org-n", {"name": "Room"}).id


def test_event_values_defaults_and_unsetting(session):
    props = [
        meta_properties.create_property(session, "org-m", {"name": "Format", "default": "Talk"}),
        meta_properties.create_property(session, "org-m", {"name": "Room"}),
    ]
    event = store.create_event(
        session,
        "org-m",
        {"name": "E", "slug": "e", "date_from": "2030-01-01T00:00:00Z", "meta_data": {"Room": "A"}},
        None,
    )
    assert meta_properties.meta_data(meta_properties.own_values(event), props) == {
        "Format": "Talk",
        "Room": "A",
    }
    meta_properties.set_meta_data(event, {"Format": "Seminar", "Room": ""}, props)
    assert meta_properties.own_values(event) == {"Format": "Seminar"}
    meta_properties.set_meta_data(event, {}, props)
    assert meta_properties.own_values(event) == {}
    assert meta_properties.meta_data(meta_properties.own_values(event), props) == {
        "Format": "Talk",
        "Room": "",
    }
