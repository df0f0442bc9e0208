"""Reading Jellyfin input: GUIDs, booleans, numbers, enums, dates and Playback*Info bodies."""

from datetime import UTC, datetime

import pytest

from services.common.errors import BadRequest
from services.playstate.guids import optional_guid, parse_guid
from services.playstate.reports import PlaybackReport, parse_date, parse_report

GUID = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "value",
    [
        GUID,
        GUID.upper(),
        "01234567-89ab-cdef-0123-456789abcdef",
        " 01234567-89AB-CDEF-0123-456789ABCDEF ",
    ],
)
def test_guid_forms(value):
    assert parse_guid(value, "itemId") == GUID


@pytest.mark.parametrize(
    "value",
    ["", "x", GUID[:-1], GUID + "0", f"{{{GUID}}}", 12, None, "0123456789abcdef-0123456789abcdef"],
)
def test_bad_guids(value):
    with pytest.raises(BadRequest, match="itemId"):
        parse_guid(value, "itemId")


def test_optional_guid():
    assert optional_guid(None, "userId") is None and optional_guid("", "userId") is None


def test_largest_values():
    report = parse_report(
        {"positionticks": str(2**63 - 1), "audiostreamindex": -(2**31), "mediasourceid": "m" * 255}
    )
    assert report.position_ticks == 2**63 - 1 and report.audio_stream_index == -(2**31)


def test_query_report_with_defaults():
    assert parse_report({"itemid": GUID}) == PlaybackReport(item_id=GUID)


def test_body_report_as_clients_send_it():
    report = parse_report(
        {
            "itemid": "01234567-89ab-cdef-0123-456789abcdef",
            "playsessionid": 42,
            "positionticks": "9000000000",
            "ispaused": "True",
            "ismuted": False,
            "volumelevel": 55.0,
            "repeatmode": "repeatone",
            "playmethod": 1,
            "canseek": "FALSE",
            "audiostreamindex": None,
            "eventname": "timeupdate",
            "item": {"Name": "ignored"},
            "failed": "true",
        }
    )
    assert report == PlaybackReport(
        item_id=GUID,
        play_session_id="42",
        position_ticks=9_000_000_000,
        is_paused=True,
        volume_level=55,
        repeat_mode="RepeatOne",
        play_method="DirectStream",
        failed=True,
    )


@pytest.mark.parametrize(
    "data, name",
    [
        ({"positionticks": -1}, "PositionTicks"),
        ({"positionticks": "1e3"}, "positionTicks"),
        ({"positionticks": True}, "PositionTicks"),
        ({"ispaused": "yes"}, "IsPaused"),
        ({"ismuted": 1}, "IsMuted"),
        ({"playmethod": "Teleport"}, "PlayMethod"),
        ({"playmethod": 3}, "PlayMethod"),
        ({"repeatmode": -1}, "RepeatMode"),
        ({"volumelevel": 2.5}, "VolumeLevel"),
        ({"mediasourceid": {"a": 1}}, "MediaSourceId"),
        ({"itemid": "nope"}, "ItemId"),
        ({"positionticks": 2**63}, "PositionTicks"),
        ({"volumelevel": "2147483648"}, "VolumeLevel"),
        ({"playsessionid": "x" * 256}, "PlaySessionId"),
    ],
)
def test_bad_values(data, name):
    with pytest.raises(BadRequest, match=f"(?i){name}"):
        parse_report(data)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T12:00:00 02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        (
            "2024-05-01T10:00:00.1234567Z",
            datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
        ),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("20240501100000", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "soon",
        "2024-02-30T00:00:00",
        "202405011000",
        "0001-01-01T00:00:00+01:00",  # before UTC's year 1
        "9999-12-31T23:59:59-01:00",  # after UTC's year 9999
    ],
)
def test_bad_dates(text):
    with pytest.raises(BadRequest, match="datePlayed"):
        parse_date(text)
