"""services/events/filters.py: query parameters read strictly, and their meaning in SQL (on the
test database, against events made with the store)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.common.errors import ValidationFailed
from services.events import filters, meta_properties, store
from services.events.models import Event

NOW = datetime(2050, 1, 1, tzinfo=UTC)


def test_no_parameters_means_no_filter_and_slug_order():
    parsed = filters.parse_filters({"page": "2"})
    assert parsed == filters.EventFilters()
    assert parsed.ordering == ("slug",)


def test_parameters_are_read():
    parsed = filters.parse_filters(
        {
            "is_public": "true",
            "live": "False",
            "has_subevents": "1",
            "testmode": "0",
            "is_future": "TRUE",
            "is_past": "false",
            "ends_after": "2030-01-01T00:00:00+01:00",
            "ordering": "-date_from,slug",
            "attr[Format]": "Talk",
            "attr[Room]": "",
        }
    )
    assert parsed.flags == {
        "is_public": True,
        "live": False,
        "has_subevents": True,
        "testmode": False,
        "is_future": True,
        "is_past": False,
    }
    assert parsed.ends_after == datetime(2029, 12, 31, 23, tzinfo=UTC)
    assert parsed.ordering == ("-date_from", "slug")
    assert parsed.attrs == {"Format": "Talk", "Room": ""}


@pytest.mark.parametrize(
    "args, parameter",
    [
        ({"is_public": "maybe"}, "is_public"),
        ({"live": "yes"}, "live"),
        ({"has_subevents": ""}, "has_subevents"),
        ({"testmode": "2"}, "testmode"),
        ({"is_future": "x"}, "is_future"),
        ({"is_past": "-"}, "is_past"),
        ({"ends_after": "soon"}, "ends_after"),
        ({"ends_after": "0001-01-01T00:00:01+01:00"}, "ends_after"),  # before UTC's year 1
        ({"ordering": "name"}, "ordering"),
        ({"ordering": ""}, "ordering"),
        ({"ordering": "slug,-foo"}, "ordering"),
    ],
)
def test_a_value_that_cannot_be_read_is_a_400_naming_the_parameter(args, parameter):
    with pytest.raises(ValidationFailed) as caught:
        filters.parse_filters(args)
    assert list(caught.value.fields) == [parameter]


@pytest.fixture
def organizer(session_for):
    """Events of one organizer: (date_from, date_to, is_public, has_subevents, testmode)."""
    session = session_for("events")
    name = "filters-unit"
    format_ = meta_properties.create_property(session, name, {"name": "Format", "default": "Talk"})
    properties = [format_]
    for slug, start, end, public, series, meta in (
        ("past", "2000-01-01T10:00:00Z", "2000-01-02T10:00:00Z", True, False, {}),
        ("open", "2001-01-01T10:00:00Z", None, False, False, {"Format": "Seminar"}),
        ("now", "2049-01-01T10:00:00Z", "2051-01-01T10:00:00Z", True, False, {}),
        ("later", "2060-01-01T10:00:00Z", None, False, False, {"Format": "Talk"}),
        ("series", "2060-06-01T10:00:00Z", None, True, True, {}),
    ):
        store.create_event(
            session,
            name,
            {
                "name": slug,
                "slug": slug,
                "date_from": start,
                "date_to": end,
                "is_public": public,
                "has_subevents": series,
                "testmode": slug == "now",
                "meta_data": meta,
            },
            None,
        )
    return session, name, properties


def slugs(organizer, args, now=NOW):
    session, name, properties = organizer
    query = filters.apply(
        select(Event).where(Event.organizer == name), filters.parse_filters(args), properties, now
    )
    return [event.slug for event in session.scalars(query)]


@pytest.mark.parametrize(
    "args, expected",
    [
        ({}, ["later", "now", "open", "past", "series"]),
        ({"is_public": "true"}, ["now", "past", "series"]),
        ({"testmode": "true"}, ["now"]),
        ({"is_future": "true"}, ["later", "now"]),
        ({"is_future": "false"}, ["open", "past", "series"]),
        ({"is_past": "true"}, ["open", "past"]),
        ({"is_past": "false"}, ["later", "now", "series"]),
        ({"ends_after": "2001-01-01T10:00:00Z"}, ["later", "now", "open"]),
        ({"ordering": "-date_from"}, ["series", "later", "now", "open", "past"]),
        ({"ordering": "date_from"}, ["past", "open", "now", "later", "series"]),
        ({"attr[Format]": "Talk"}, ["later", "now", "past", "series"]),
        ({"attr[Format]": "Seminar"}, ["open"]),
        ({"attr[Format]": ""}, []),
        ({"attr[Nope]": ""}, ["later", "now", "open", "past", "series"]),
        ({"attr[Nope]": "x"}, []),
    ],
)
def test_meaning(organizer, args, expected):
    assert slugs(organizer, args) == expected


def test_an_event_ending_exactly_now_is_current_not_past(organizer):
    end = datetime(2000, 1, 2, 10, tzinfo=UTC)
    assert "past" in slugs(organizer, {"is_future": "true"}, now=end)
    assert "past" not in slugs(organizer, {"is_past": "true"}, now=end)
