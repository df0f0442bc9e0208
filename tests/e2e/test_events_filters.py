"""The list of events: every filter, ordering, meta data attributes, pagination and its errors."""

import pytest

from tests.support.accounts import new_organizer

EVENTS = {
    # slug: (date_from, date_to, is_public, has_subevents)
    "past": ("2000-01-01T10:00:00Z", "2000-01-02T10:00:00Z", True, False),
    "past-open": ("2001-01-01T10:00:00Z", None, False, False),
    "current": ("2000-06-01T10:00:00Z", "2100-01-01T10:00:00Z", True, False),
    "future": ("2099-01-01T10:00:00Z", None, False, False),
    "series": ("2099-06-01T10:00:00Z", None, True, True),
}


@pytest.fixture(scope="module")
def events(admin):
    organizer = new_organizer(admin, "filters")
    for name, default in (("Format", "Talk"), ("Room", "")):
        assert (
            admin.post(
                f"/api/v1/organizers/{organizer}/meta_properties/",
                {"name": name, "default": default},
            ).status_code
            == 201
        )
    path = f"/api/v1/organizers/{organizer}/events/"
    meta = {"past": {"Format": "Seminar"}, "future": {"Room": "A"}, "current": {"Format": "Talk"}}
    for slug, (start, end, public, series) in EVENTS.items():
        response = admin.post(
            path,
            {
                "name": slug,
                "slug": slug,
                "date_from": start,
                "date_to": end,
                "is_public": public,
                "has_subevents": series,
                "meta_data": meta.get(slug, {}),
            },
        )
        assert response.status_code == 201, response.text
    assert admin.patch(path + "current/", {"live": True}).status_code == 200
    return path


def slugs(admin, events, query):
    response = admin.get(events + query)
    assert response.status_code == 200, response.text
    return [event["slug"] for event in response.json()["results"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["current", "future", "past", "past-open", "series"]),
        ("?is_public=true", ["current", "past", "series"]),
        ("?is_public=false", ["future", "past-open"]),
        ("?live=true", ["current"]),
        ("?live=false", ["future", "past", "past-open", "series"]),
        ("?has_subevents=true", ["series"]),
        ("?has_subevents=false", ["current", "future", "past", "past-open"]),
        ("?is_future=true", ["current", "future"]),
        ("?is_future=false", ["past", "past-open", "series"]),
        ("?is_past=true", ["past", "past-open"]),
        ("?is_past=false", ["current", "future", "series"]),
        ("?ends_after=2000-01-02T00:00:00Z", ["current", "future", "past", "past-open"]),
        ("?ends_after=2050-01-01T00:00:00%2B01:00", ["current", "future"]),
        ("?ends_after=2050-01-01", ["current", "future"]),
        ("?testmode=true", []),
        ("?testmode=false", ["current", "future", "past", "past-open", "series"]),
        ("?ordering=-date_from,slug", ["series", "future", "past-open", "current", "past"]),
        ("?ordering=-slug", ["series", "past-open", "past", "future", "current"]),
        ("?ordering=date_from", ["past", "current", "past-open", "future", "series"]),
        ("?ordering=-date_from", ["series", "future", "past-open", "current", "past"]),
        ("?attr[Format]=Seminar", ["past"]),
        ("?attr[Format]=Talk", ["current", "future", "past-open", "series"]),
        ("?attr[Room]=A", ["future"]),
        ("?attr[Room]=", ["current", "past", "past-open", "series"]),
        ("?attr[Format]=", []),
        ("?attr[Format]=Talk&attr[Room]=A", ["future"]),
        ("?attr[Unknown]=x", []),
        ("?is_public=true&is_future=true&ordering=-slug", ["current"]),
    ],
)
def test_filters(admin, events, query, expected):
    assert slugs(admin, events, query) == expected


def test_meta_data_shows_defaults(admin, events):
    assert admin.get(events + "future/").json()["meta_data"] == {"Format": "Talk", "Room": "A"}
    assert admin.get(events + "past/").json()["meta_data"] == {"Format": "Seminar", "Room": ""}


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("?is_public=maybe", "is_public"),
        ("?live=yes", "live"),
        ("?has_subevents=2", "has_subevents"),
        ("?is_future=x", "is_future"),
        ("?is_past=", "is_past"),
        ("?ends_after=soon", "ends_after"),
        ("?ends_after=0001-01-01T00:00:01%2B01:00", "ends_after"),  # before UTC's year 1
        ("?ordering=foo", "ordering"),
        ("?ordering=-name", "ordering"),
        ("?testmode=on", "testmode"),
    ],
)
def test_invalid_filter_values_name_the_parameter(admin, events, query, parameter):
    response = admin.get(events + query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize("page", ["0", "-1", "x", "2", "99"])
def test_invalid_pages(admin, events, page):
    response = admin.get(events + f"?page={page}")
    assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})


def test_an_organizer_without_events_has_one_empty_page(admin):
    path = f"/api/v1/organizers/{new_organizer(admin, 'empty')}/events/"
    assert admin.get(path).json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert admin.get(path + "?page=2").status_code == 404


def test_pages_of_fifty(admin):
    path = f"/api/v1/organizers/{new_organizer(admin, 'many')}/events/"
    for number in range(53):
        assert (
            admin.post(
                path, {"name": "E", "slug": f"e{number:02d}", "date_from": "2030-01-01T00:00:00Z"}
            ).status_code
            == 201
        )
    first = admin.get(path + "?is_public=true").json()
    assert first["count"] == 53 and len(first["results"]) == 50 and first["previous"] is None
    assert first["next"].endswith(path + "?is_public=true&page=2")
    assert first["next"].startswith("http://")
    second = admin.http.get(first["next"], timeout=30).json()
    assert [event["slug"] for event in second["results"]] == ["e50", "e51", "e52"]
    assert second["next"] is None and second["previous"].endswith(path + "?is_public=true")
