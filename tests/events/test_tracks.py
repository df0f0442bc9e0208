"""services/events/tracks.py: the catalogue."""

import pytest

from services.common.errors import NotFound, ValidationFailed
from services.events import tracks


def test_create_and_find_by_id_and_guid(session_for):
    session = session_for("events")
    track = tracks.create_track(
        session, {"name": "Intro", "artist": "Band", "duration": 215, "resumable": True}
    )
    view = tracks.track_view(track)
    assert view == {
        "id": track.id,
        "uuid": track.uuid,
        "name": "Intro",
        "artist": "Band",
        "duration": 215,
        "resumable": True,
    }
    assert len(track.uuid) == 32
    dashed = (
        f"{track.uuid[:8]}-{track.uuid[8:12]}-{track.uuid[12:16]}-{track.uuid[16:20]}-"
        f"{track.uuid[20:]}"
    )
    for ref in (track.id, str(track.id), track.uuid, dashed, dashed.upper()):
        assert tracks.find_track(session, ref) is track


def test_optional_fields_default(session_for):
    track = tracks.create_track(session_for("events"), {"name": "Jingle"})
    assert (track.artist, track.duration, track.resumable) == ("", None, False)


@pytest.mark.parametrize("ref", [10**9, "nope", "0" * 32, ""])
def test_unknown_track(session_for, ref):
    with pytest.raises(NotFound, match="Track not found"):
        tracks.find_track(session_for("events"), ref)


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": 3}, {"name": ["Not a valid string."]}),
        ({"name": "x" * 201}, {"name": ["Ensure this field has no more than 200 characters."]}),
        (
            {"name": "x", "artist": "y" * 201},
            {"artist": ["Ensure this field has no more than 200 characters."]},
        ),
        (
            {"name": "x", "duration": 2**31},
            {"duration": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        ({"name": "a", "duration": "3"}, {"duration": ["A valid integer is required."]}),
        (
            {"name": "a", "duration": -1},
            {"duration": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({"name": "a", "resumable": "yes"}, {"resumable": ["Must be a valid boolean."]}),
    ],
)
def test_invalid_bodies(session_for, body, fields):
    with pytest.raises(ValidationFailed) as caught:
        tracks.create_track(session_for("events"), body)
    assert caught.value.fields == fields


def test_list_pages_in_id_order(session_for):
    session = session_for("events")
    made = [tracks.create_track(session, {"name": f"t{i}"}) for i in range(3)]
    count, page = tracks.list_tracks(session, 1, 2)
    assert count >= 3
    everything = tracks.list_tracks(session, 0, 10_000)[1]
    assert [t.id for t in everything] == sorted(t.id for t in everything)
    assert set(made) <= set(everything) and len(page) == 2


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Beyoncé", "beyonce"),
        ("ÉCOLE", "ecole"),
        ("Straße", "strasse"),
        ("Mötley Crüe", "motley crue"),
        ("naïve ﬁre", "naive fire"),
        ("plain", "plain"),
    ],
)
def test_fold_drops_case_and_accents(text, folded):
    assert tracks.fold(text) == folded


def _searched(session, text):
    count, page = tracks.list_tracks(session, 0, 1000, text)
    assert count == len(page)
    return [track.name for track in page]


def test_search_matches_name_or_artist_ignoring_case_and_accents(session_for):
    session = session_for("events")
    for name, artist in [
        ("Zz Café del Mar", "Energy 52"),
        ("Zz Halo", "Beyoncé"),
        ("Zz cafe society", ""),
        ("Zz Other", "Cafeteria Band"),
        ("Zz 100% Pure", "Zz_under"),
    ]:
        tracks.create_track(session, {"name": name, "artist": artist})
    assert set(_searched(session, "CAFÉ")) == {"Zz Café del Mar", "Zz cafe society", "Zz Other"}
    assert _searched(session, "beyonce") == ["Zz Halo"]
    assert _searched(session, "  halo ") == ["Zz Halo"]
    assert _searched(session, "0% p") == ["Zz 100% Pure"]  # LIKE's wildcards are literal
    assert _searched(session, "zz_1") == []  # "_" is no wildcard ("Zz 1…" would match)
    assert _searched(session, "nothing like this") == []


def test_search_puts_names_starting_with_the_text_first(session_for):
    session = session_for("events")
    made = [
        tracks.create_track(session, {"name": name, "artist": artist})
        for name, artist in [
            ("Loop in the middle qqsearch", ""),
            ("by artist", "QQSearch Band"),
            ("qqsearch first", ""),
            ("Qqsearch second", ""),
        ]
    ]
    assert _searched(session, "qqsearch") == [
        "qqsearch first",
        "Qqsearch second",
        "Loop in the middle qqsearch",
        "by artist",
    ]
    count, page = tracks.list_tracks(session, 1, 2, "qqsearch")
    assert count == 4 and [track.id for track in page] == [made[3].id, made[0].id]


def test_blank_search_lists_everything(session_for):
    session = session_for("events")
    tracks.create_track(session, {"name": "anything"})
    assert tracks.list_tracks(session, 0, 10, " ")[0] == tracks.list_tracks(session, 0, 10)[0]
