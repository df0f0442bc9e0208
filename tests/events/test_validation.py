"""services/events/validation.py: every rule of API.md §2 with pretix's 400 bodies, without a
database (what it would be asked comes in through Rules)."""

from datetime import UTC, datetime

import pytest

from services.common.errors import ValidationFailed
from services.events.validation import Rules, event_changes

BASE = {"name": {"en": "Conf"}, "slug": "conf", "date_from": "2030-01-01T10:00:00Z"}
STORED = {
    "slug": "conf",
    "has_subevents": False,
    "date_from": datetime(2030, 1, 1, 10, tzinfo=UTC),
    "date_to": None,
    "presale_start": None,
    "presale_end": None,
}


def creating(taken=("taken",), meta=("Format",)) -> Rules:
    return Rules(
        partial=False,
        current=None,
        meta_names=frozenset(meta),
        slug_taken=lambda slug: slug.lower() in taken,
    )


def updating(partial=True, **stored) -> Rules:
    return Rules(
        partial=partial,
        current={**STORED, **stored},
        meta_names=frozenset(),
        slug_taken=lambda slug: True,
    )


def errors(body, rules) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        event_changes(body, rules)
    return caught.value.fields


def test_a_valid_body_gives_only_the_fields_it_names():
    changes = event_changes({**BASE, "whatever": 1, "id": 9, "playlist": 3}, creating())
    assert changes == {
        "name": {"en": "Conf"},
        "slug": "conf",
        "date_from": datetime(2030, 1, 1, 10, tzinfo=UTC),
    }


@pytest.mark.parametrize(
    "changes, body",
    [
        (
            {"live": True},
            {
                "live": [
                    "Events cannot be created as 'live'. Quotas and payment must be "
                    "added to the event before sales can go live."
                ]
            },
        ),
        ({"slug": "Taken"}, {"slug": ["This slug has already been used for a different event."]}),
        (
            {"slug": "a b"},
            {"slug": ["The slug may only contain letters, numbers, dots and dashes."]},
        ),
        (
            {"slug": "a_b"},
            {"slug": ["The slug may only contain letters, numbers, dots and dashes."]},
        ),
        ({"slug": "x" * 51}, {"slug": ["Ensure this field has no more than 50 characters."]}),
        ({"currency": "EURO"}, {"currency": ['"EURO" is not a valid choice.']}),
        ({"currency": "eur"}, {"currency": ['"eur" is not a valid choice.']}),
        (
            {"date_to": "2029-12-31T10:00:00Z"},
            {"non_field_errors": ["The event cannot end before it starts."]},
        ),
        (
            {"presale_start": "2029-06-01T00:00:00Z", "presale_end": "2029-05-01T00:00:00Z"},
            {"non_field_errors": ["The event's presale cannot end before it starts."]},
        ),
        ({"geo_lat": 90.01}, {"geo_lat": ["Ensure this value is less than or equal to 90."]}),
        ({"geo_lat": -91}, {"geo_lat": ["Ensure this value is greater than or equal to -90."]}),
        ({"geo_lon": 181}, {"geo_lon": ["Ensure this value is less than or equal to 180."]}),
        ({"geo_lon": -180.5}, {"geo_lon": ["Ensure this value is greater than or equal to -180."]}),
        (
            {"meta_data": {"Nope": "x"}},
            {"meta_data": ["Meta data property 'Nope' does not exist."]},
        ),
        ({"meta_data": []}, {"meta_data": ["meta_data needs to be an object (str -> str)."]}),
        (
            {"meta_data": {"Format": 3}},
            {"meta_data": ["Meta data property 'Format' must be a string."]},
        ),
        (
            {"plugins": ["pretix.plugins.nope"]},
            {"plugins": ["Unknown plugin: 'pretix.plugins.nope'."]},
        ),
        (
            {"plugins": ["pretix.plugins.restricted"]},
            {"plugins": ["Unknown plugin: 'pretix.plugins.restricted'."]},
        ),
        (
            {"plugins": "pretix.plugins.stripe"},
            {"plugins": ['Expected a list of items but got type "str".']},
        ),
        ({"seating_plan": 5}, {"seating_plan": ['Invalid pk "5" - object does not exist.']}),
        (
            {"seating_plan": "x"},
            {"seating_plan": ["Incorrect type. Expected pk value, received str."]},
        ),
        (
            {"seat_category_mapping": {"a": 1}},
            {
                "seat_category_mapping": [
                    "You cannot specify seat category mappings on event creation."
                ]
            },
        ),
        (
            {"seat_category_mapping": []},
            {
                "seat_category_mapping": [
                    "seat_category_mapping needs to be an object (str -> int)."
                ]
            },
        ),
        ({"name": None}, {"name": ["This field may not be null."]}),
        ({"is_public": "perhaps"}, {"is_public": ["Must be a valid boolean."]}),
        (
            {"date_from": "0001-01-01T00:00:00+01:00"},
            {"date_from": ["Datetime value out of range."]},
        ),
    ],
)
def test_create_rules(changes, body):
    assert errors({**BASE, **changes}, creating()) == body


def test_every_missing_required_field_is_named():
    assert errors({}, creating()) == {
        field: ["This field is required."] for field in ("name", "slug", "date_from")
    }


def test_field_errors_come_together_and_hide_the_cross_field_rules():
    body = {**BASE, "slug": "a b", "geo_lat": 100, "date_to": "2000-01-01T00:00:00Z"}
    assert set(errors(body, creating())) == {"slug", "geo_lat"}


def test_nullable_fields_and_empty_location():
    changes = event_changes(
        {
            **BASE,
            "date_to": None,
            "location": "",
            "geo_lat": None,
            "seating_plan": None,
            "seat_category_mapping": {},
        },
        creating(),
    )
    assert (changes["date_to"], changes["location"], changes["geo_lat"]) == (None, None, None)
    assert changes["seat_category_mapping"] == {}


def test_plugins_keep_their_order_without_repeats():
    plugins = ["pretix.plugins.stripe", "pretix.plugins.paypal", "pretix.plugins.stripe"]
    assert event_changes({**BASE, "plugins": plugins}, creating())["plugins"] == [
        "pretix.plugins.stripe",
        "pretix.plugins.paypal",
    ]


def test_patch_checks_only_what_it_names_against_stored_values():
    assert event_changes({"name": "New"}, updating()) == {"name": {"en": "New"}}
    assert event_changes({"live": True}, updating()) == {"live": True}
    assert errors({"date_to": "2000-01-01T00:00:00Z"}, updating()) == {
        "non_field_errors": ["The event cannot end before it starts."]
    }
    assert errors(
        {"presale_end": "2029-01-01T00:00:00Z"},
        updating(presale_start=datetime(2029, 6, 1, tzinfo=UTC)),
    ) == {"non_field_errors": ["The event's presale cannot end before it starts."]}


def test_update_rules():
    assert errors({"slug": "other"}, updating()) == {"slug": ["The event slug cannot be changed."]}
    assert event_changes({"slug": "conf"}, updating()) == {"slug": "conf"}
    assert errors({"has_subevents": True}, updating()) == {
        "has_subevents": [
            "Once created an event cannot change between an series and a single event."
        ]
    }
    assert errors({"seat_category_mapping": {"a": 7}}, updating()) == {
        "seat_category_mapping": ["Item '7' does not exist."]
    }


def test_put_needs_the_required_fields():
    assert errors({"name": "x"}, updating(partial=False)) == {
        "slug": ["This field is required."],
        "date_from": ["This field is required."],
    }
