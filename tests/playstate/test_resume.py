"""services/playstate/resume.py: continue listening's query and list."""

import secrets
from datetime import UTC, datetime, timedelta

import pytest

from services.common.errors import BadRequest
from services.playstate import resume, userdata
from services.playstate.resume import ResumeQuery
from services.playstate.rules import Item, Outcome

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_defaults_and_values():
    assert ResumeQuery.parse({}) == ResumeQuery()
    parsed = ResumeQuery.parse(
        {
            "startindex": ["2"],
            "limit": ["3"],
            "enableuserdata": ["False"],
            "enabletotalrecordcount": ["false"],
            "excludeactivesessions": ["TRUE"],
            "unknown": ["x"],
        }
    )
    assert parsed == ResumeQuery(2, 3, True, False, False, True)


@pytest.mark.parametrize(
    "query, audio",
    [
        ({"mediatypes": ["Audio"]}, True),
        ({"mediatypes": ["Video"]}, False),
        ({"mediatypes": ["video,AUDIO"]}, True),
        ({"mediatypes": ["Video", "Audio"]}, True),  # repeated, or the SDK's mediaTypes[0]= form
        ({"mediatypes": ["Bogus"]}, True),  # an unparseable value is ignored
        ({"mediatypes": ["Video,Bogus"]}, False),
        ({"includeitemtypes": ["Movie"]}, False),
        ({"includeitemtypes": ["Audio,AudioBook"]}, True),
        ({"excludeitemtypes": ["Audio"]}, False),
    ],
)
def test_media_types(query, audio):
    assert ResumeQuery.parse(query).audio is audio


@pytest.mark.parametrize(
    "query",
    [
        {"startindex": ["x"]},
        {"limit": ["-1"]},
        {"startindex": ["-2"]},
        {"enableuserdata": ["maybe"]},
    ],
)
def test_bad_values(query):
    with pytest.raises(BadRequest):
        ResumeQuery.parse(query)


def test_items_form_accepts_only_resumable():
    client_query = {
        "filters": ["IsResumable"],
        "sortby": ["DatePlayed"],
        "sortorder": ["Descending"],
        "recursive": ["True"],
        "limit": ["5"],
    }
    assert ResumeQuery.parse_items(client_query) == ResumeQuery(limit=5)
    for query, named in [
        ({}, "Filters=IsResumable"),
        ({"filters": ["IsResumable,IsFavorite"]}, "Filters=IsFavorite"),
        ({"filters": ["IsUnplayed"]}, "Filters=IsUnplayed"),
        ({"filters": ["IsResumable"], "parentid": ["x"]}, "parentId"),
        ({"filters": ["IsResumable"], "sortby": ["SortName"]}, "SortBy=SortName"),
        ({"filters": ["IsResumable"], "sortorder": ["Ascending"]}, "SortOrder=Ascending"),
    ]:
        with pytest.raises(BadRequest, match=named):
            ResumeQuery.parse_items(query)


@pytest.fixture
def listener(session_for):
    """A user with five items: three with a position (played at T0+1 h, +3 h, +2 h), one at 0,
    one of another user."""
    db = session_for("playstate")
    user, other = secrets.token_hex(16), secrets.token_hex(16)
    items = [secrets.token_hex(16) for _ in range(4)]
    for item, hours, position in zip(items, (1, 3, 2, 4), (10, 20, 30, 0), strict=True):
        userdata.mark_played(db, user, item, T0 + timedelta(hours=hours), T0, 1)
        userdata.apply_position(db, user, item, Outcome(position, False), 2)
    userdata.apply_position(db, other, items[0], Outcome(99, False), 2)
    return db, user, items


def test_page_newest_first_with_paging_and_exclusions(listener):
    db, user, items = listener
    total, page = resume.page(db, user, ResumeQuery(), set())
    assert total == 3 and [data.item_id for data in page] == [items[1], items[2], items[0]]
    assert page[0].playback_position_ticks == 20
    total, page = resume.page(db, user, ResumeQuery(start_index=1, limit=1), set())
    assert total == 3 and [data.item_id for data in page] == [items[2]]
    assert resume.page(db, user, ResumeQuery(limit=0), set()) == (3, [])
    total, page = resume.page(db, user, ResumeQuery(), {items[1]})
    assert total == 2 and [data.item_id for data in page] == [items[2], items[0]]
    assert resume.page(db, user, ResumeQuery(audio=False), set()) == (0, [])


def test_result_counts():
    assert resume.result([{"Id": "a"}], 7, ResumeQuery(start_index=3)) == {
        "Items": [{"Id": "a"}],
        "TotalRecordCount": 7,
        "StartIndex": 3,
    }
    assert (
        resume.result([{"Id": "a"}], 7, ResumeQuery(enable_total_record_count=False))[
            "TotalRecordCount"
        ]
        == 1
    )


def test_base_items_skip_tracks_gone_from_the_catalogue():
    kept, gone = "a" * 32, "b" * 32
    page = [
        userdata.UserData("u" * 32, gone, playback_position_ticks=5),
        userdata.UserData("u" * 32, kept, playback_position_ticks=10**10),
    ]
    catalogue = {kept: Item(kept, 4 * 10**10, True, name="Mix", artist="DJ")}
    [item] = resume.base_items(page, catalogue.get, "s" * 32, with_user_data=True)
    assert (item["Id"], item["Name"], item["Artists"], item["ServerId"]) == (
        kept,
        "Mix",
        ["DJ"],
        "s" * 32,
    )
    assert item["UserData"]["PlaybackPositionTicks"] == 10**10
    assert item["UserData"]["PlayedPercentage"] == 25.0
    assert "UserData" not in resume.base_items(page, catalogue.get, "s", with_user_data=False)[0]
