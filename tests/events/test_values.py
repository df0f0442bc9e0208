"""services/events/values.py: single JSON values read as Django REST framework reads them."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.events import values
from services.events.values import Invalid

WRONG_DATETIME = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (True, True),
        ("true", True),
        ("True", True),
        ("1", True),
        (1, True),
        ("on", True),
        (False, False),
        ("false", False),
        ("0", False),
        (0, False),
        ("no", False),
    ],
)
def test_boolean(raw, expected):
    assert values.boolean(raw) is expected


@pytest.mark.parametrize("raw", ["perhaps", 2, None, [], 1.5])
def test_boolean_refused(raw):
    with pytest.raises(Invalid, match="^Must be a valid boolean.$"):
        values.boolean(raw)


def test_text_takes_numbers_as_text_and_refuses_blanks_and_others():
    assert values.text("abc") == "abc"
    assert values.text(5) == "5"
    for raw in (True, None, [], {}):
        with pytest.raises(Invalid, match="^Not a valid string.$"):
            values.text(raw)
    with pytest.raises(Invalid, match="^This field may not be blank.$"):
        values.text("  ")


def test_multilingual_plain_string_is_the_default_locale():
    assert values.multilingual("Konferenz") == {"en": "Konferenz"}
    assert values.multilingual({"en": "Hall", "de": "Halle", "fr": " "}) == {
        "en": "Hall",
        "de": "Halle",
    }


@pytest.mark.parametrize(
    "raw, message",
    [
        (5, "Invalid data type."),
        ([], "Invalid data type."),
        ({"en": 5}, "All entries must be strings."),
        ({"xx": "text"}, "Invalid languages included."),
        ({}, "This field is required."),
        ("", "This field is required."),
    ],
)
def test_multilingual_refused_with_pretix_messages(raw, message):
    with pytest.raises(Invalid) as caught:
        values.multilingual(raw)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2030-01-01T10:00:00Z", datetime(2030, 1, 1, 10, tzinfo=UTC)),
        ("2030-01-01T12:00:00+02:00", datetime(2030, 1, 1, 10, tzinfo=UTC)),
        ("2030-01-01T10:00", datetime(2030, 1, 1, 10, tzinfo=UTC)),
        ("2030-01-01 10:00:00.5Z", datetime(2030, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2030-01-01", datetime(2030, 1, 1, tzinfo=UTC)),
    ],
)
def test_moment_reads_iso_8601_as_django_does(raw, expected):
    assert values.moment(raw) == expected


def test_moment_keeps_the_offset_it_was_given():
    assert values.moment("2030-01-01T12:00:00+02:00").utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_moment_out_of_utcs_years_is_out_of_range(raw):
    with pytest.raises(Invalid) as caught:
        values.moment(raw)
    assert str(caught.value) == "Datetime value out of range."


def test_moment_at_the_edges_of_utcs_years():
    assert values.moment("0001-01-01T00:00:00Z") == datetime(1, 1, 1, tzinfo=UTC)
    assert values.moment("0001-01-01T01:00:00+01:00") == datetime(1, 1, 1, tzinfo=UTC)
    assert values.moment("9999-12-31T23:59:59") == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["yesterday", "2030-13-01T00:00:00Z", 5, None, ""])
def test_moment_refused(raw):
    with pytest.raises(Invalid) as caught:
        values.moment(raw)
    assert str(caught.value) == WRONG_DATETIME


@pytest.mark.parametrize("raw, expected", [(45, 45.0), ("45.5", 45.5), (-0.25, -0.25)])
def test_number(raw, expected):
    assert values.number(raw) == expected


@pytest.mark.parametrize("raw", [True, "abc", None, [], "nan", "inf"])
def test_number_refused(raw):
    with pytest.raises(Invalid, match="^A valid number is required.$"):
        values.number(raw)


def test_within_names_the_broken_bound():
    assert values.within(90, -90, 90) == 90
    with pytest.raises(Invalid, match="^Ensure this value is less than or equal to 90.$"):
        values.within(90.5, -90, 90)
    with pytest.raises(Invalid, match="^Ensure this value is greater than or equal to -180.$"):
        values.within(-181, -180, 180)


def test_iso_writes_utc_with_z():
    assert values.iso(None) is None
    moment = datetime(2030, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    assert values.iso(moment) == "2030-01-01T10:00:00Z"
