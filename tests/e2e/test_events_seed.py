"""The seed's examples (pretix events API 3.3) against the running gateway, sent as written (the
organizer is the seed's ``bigevents``; each test session has databases of its own): each request
gives the documented response, apart from the values the server chooses (id, playlist)."""

import copy

import pytest

from tests.support.accounts import new_organizer

EVENTS = "/api/v1/organizers/bigevents/events/"
ACCEPT = {"Accept": "application/json, text/javascript"}

SAMPLE = {
    "name": {"en": "Sample Conference"},
    "slug": "sampleconf",
    "live": False,
    "testmode": False,
    "currency": "EUR",
    "date_from": "2017-12-27T10:00:00Z",
    "date_to": None,
    "date_admission": None,
    "is_public": False,
    "presale_start": None,
    "presale_end": None,
    "seating_plan": None,
    "seat_category_mapping": {},
    "location": None,
    "geo_lat": None,
    "geo_lon": None,
    "has_subevents": False,
    "meta_data": {},
    "plugins": ["pretix.plugins.stripe", "pretix.plugins.paypal"],
}
SERVER_CHOSEN = ("id", "playlist")


def documented(body: dict) -> dict:
    return {key: value for key, value in body.items() if key not in SERVER_CHOSEN}


@pytest.fixture(scope="module")
def bigevents(admin):
    response = admin.post("/api/v1/organizers/", {"slug": "bigevents", "name": "Big Events"})
    assert response.status_code == 201, response.text
    return EVENTS


def test_seed_walkthrough(admin, bigevents):
    events = bigevents
    created = admin.post(events, SAMPLE, headers=ACCEPT)
    assert created.status_code == 201, created.text
    assert documented(created.json()) == SAMPLE
    assert isinstance(created.json()["id"], int) and isinstance(created.json()["playlist"], int)

    fetched = admin.get(events + "sampleconf/", headers=ACCEPT)
    assert fetched.status_code == 200 and fetched.json() == created.json()

    listed = admin.get(events, headers=ACCEPT)
    assert listed.status_code == 200
    assert listed.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [created.json()],
    }

    plugins = [
        "pretix.plugins.banktransfer",
        "pretix.plugins.stripe",
        "pretix.plugins.paypal",
        "pretix.plugins.pretixdroid",
    ]
    patched = admin.patch(events + "sampleconf/", {"plugins": plugins}, headers=ACCEPT)
    assert patched.status_code == 200, patched.text
    assert documented(patched.json()) == {**SAMPLE, "plugins": plugins}

    # as written, the seed's clone reuses the source's slug, which is taken (pretix says so too)
    as_written = admin.post(events + "sampleconf/clone/", SAMPLE, headers=ACCEPT)
    assert (as_written.status_code, as_written.json()) == (
        400,
        {"slug": ["This slug has already been used for a different event."]},
    )
    clone_body = copy.deepcopy(SAMPLE)
    clone_body["slug"] = "sampleconf2"
    cloned = admin.post(events + "sampleconf/clone/", clone_body, headers=ACCEPT)
    assert cloned.status_code == 201, cloned.text
    assert documented(cloned.json()) == clone_body
    assert cloned.json()["id"] != created.json()["id"]

    deleted = admin.delete(events + "sampleconf/", headers=ACCEPT)
    assert deleted.status_code == 204 and deleted.content == b""
    assert admin.get(events + "sampleconf/").status_code == 403
    assert [e["slug"] for e in admin.get(events).json()["results"]] == ["sampleconf2"]


#: the create example of the older version of the document (001): no testmode, geo or seating
SAMPLE_001 = {
    key: value
    for key, value in SAMPLE.items()
    if key not in ("testmode", "geo_lat", "geo_lon", "seating_plan", "seat_category_mapping")
}


def test_the_older_documents_create_example(admin):
    events = f"/api/v1/organizers/{new_organizer(admin, 'older')}/events/"
    created = admin.post(events, SAMPLE_001, headers=ACCEPT)
    assert created.status_code == 201, created.text
    body = created.json()
    assert {key: body[key] for key in SAMPLE_001} == SAMPLE_001
    assert (
        body["testmode"],
        body["geo_lat"],
        body["seating_plan"],
        body["seat_category_mapping"],
    ) == (False, None, None, {})
