"""The seed's examples (pretix events API 3.3) against the running gateway: each request gives the
documented response, apart from the values the server chooses (id, playlist)."""

import copy

import pytest

from tests.events.support import new_organizer
from tests.support.client import Api

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
def admin(stack, admin_token):
    return Api(stack.url, admin_token)


@pytest.fixture(scope="module")
def organizer(admin):
    return new_organizer(admin, "bigevents")


def test_seed_walkthrough(admin, organizer):
    events = f"/api/v1/organizers/{organizer}/events/"
    created = admin.post(events, SAMPLE)
    assert created.status_code == 201, created.text
    assert documented(created.json()) == SAMPLE
    assert isinstance(created.json()["id"], int) and isinstance(created.json()["playlist"], int)

    fetched = admin.get(events + "sampleconf/")
    assert fetched.status_code == 200 and fetched.json() == created.json()

    listed = admin.get(events)
    assert listed.status_code == 200
    assert listed.json() == {"count": 1, "next": None, "previous": None,
                             "results": [created.json()]}

    plugins = ["pretix.plugins.banktransfer", "pretix.plugins.stripe", "pretix.plugins.paypal",
               "pretix.plugins.pretixdroid"]
    patched = admin.patch(events + "sampleconf/", {"plugins": plugins})
    assert patched.status_code == 200, patched.text
    assert documented(patched.json()) == {**SAMPLE, "plugins": plugins}

    clone_body = copy.deepcopy(SAMPLE)
    clone_body["slug"] = "sampleconf2"  # the seed reuses the source's slug, which is taken
    cloned = admin.post(events + "sampleconf/clone/", clone_body)
    assert cloned.status_code == 201, cloned.text
    assert documented(cloned.json()) == clone_body
    assert cloned.json()["id"] != created.json()["id"]

    deleted = admin.delete(events + "sampleconf/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert admin.get(events + "sampleconf/").status_code == 403
    assert [e["slug"] for e in admin.get(events).json()["results"]] == ["sampleconf2"]
