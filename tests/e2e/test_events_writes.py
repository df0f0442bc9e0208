"""Writes beyond the seed's examples: PUT, clone's copies, meta properties, idempotency keys."""

import threading

import pytest

from tests.support.accounts import new_organizer, new_team, new_user, unique
from tests.support.client import Api

BASE = {"name": "Conf", "date_from": "2030-01-01T10:00:00Z"}


@pytest.fixture(scope="module")
def organizer(admin):
    organizer = new_organizer(admin, "writes")
    response = admin.post(
        f"/api/v1/organizers/{organizer}/meta_properties/", {"name": "Format", "default": "Talk"}
    )
    assert response.status_code == 201
    return organizer


@pytest.fixture
def events(organizer):
    return f"/api/v1/organizers/{organizer}/events/"


def test_put_replaces_given_fields(admin, events):
    slug = unique("put")
    assert admin.post(events, {**BASE, "slug": slug, "testmode": True}).status_code == 201
    response = admin.put(
        events + f"{slug}/",
        {
            "name": {"en": "New", "de": "Neu"},
            "slug": slug,
            "date_from": "2031-05-05T08:00:00Z",
            "geo_lat": 52.5,
            "geo_lon": 13.4,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == {"en": "New", "de": "Neu"}
    assert body["date_from"] == "2031-05-05T08:00:00Z"
    assert (body["geo_lat"], body["geo_lon"], body["testmode"]) == (52.5, 13.4, True)
    renamed = admin.patch(events + f"{slug}/", {"slug": "other"})
    assert renamed.json() == {"slug": ["The event slug cannot be changed."]}


def test_clone_copies_unless_body_sets(admin, events):
    source = unique("src")
    created = admin.post(
        events,
        {
            **BASE,
            "slug": source,
            "is_public": False,
            "testmode": True,
            "plugins": ["pretix.plugins.paypal"],
            "meta_data": {"Format": "Seminar"},
        },
    )
    assert created.status_code == 201
    plain = admin.post(events + f"{source}/clone/", {**BASE, "slug": unique("copy")}).json()
    assert (plain["is_public"], plain["testmode"], plain["plugins"], plain["meta_data"]) == (
        False,
        True,
        ["pretix.plugins.paypal"],
        {"Format": "Seminar"},
    )
    assert plain["playlist"] != created.json()["playlist"]
    overridden = admin.post(
        events + f"{source}/clone/",
        {
            **BASE,
            "slug": unique("copy"),
            "is_public": True,
            "testmode": False,
            "plugins": [],
            "meta_data": {},
        },
    ).json()
    assert (
        overridden["is_public"],
        overridden["testmode"],
        overridden["plugins"],
        overridden["meta_data"],
    ) == (True, False, [], {"Format": "Talk"})


def test_meta_properties_resource(stack, admin, organizer):
    path = f"/api/v1/organizers/{organizer}/meta_properties/"
    created = admin.post(path, {"name": "Level", "default": "Beginner"})
    assert created.status_code == 201
    prop = created.json()
    assert prop == {"id": prop["id"], "name": "Level", "default": "Beginner"}
    assert admin.post(path, {"name": "Level"}).json() == {
        "name": ["A property with this name already exists."]
    }
    assert admin.post(path, {"name": "no spaces"}).json() == {
        "name": ["The property name may only contain letters, numbers and underscores."]
    }
    assert admin.patch(path + f"{prop['id']}/", {"default": "Expert"}).json()["default"] == "Expert"
    listed = admin.get(path).json()
    assert [p["name"] for p in listed["results"]] == ["Format", "Level"]
    member = new_user(stack, "member")
    new_team(admin, organizer, [member.user_id], can_change_event_settings=True, all_events=True)
    assert member.api.get(path).status_code == 200
    assert member.api.post(path, {"name": "Nope"}).status_code == 403
    assert new_user(stack, "stranger").api.get(path).status_code == 403
    assert admin.delete(path + f"{prop['id']}/").status_code == 204
    assert admin.get(path + f"{prop['id']}/").status_code == 404


def test_idempotency_key_replays_and_conflicts(stack, admin, events):
    slug = unique("idem")
    key = {"X-Idempotency-Key": unique("key")}
    first = admin.post(events, {**BASE, "slug": slug}, headers=key)
    again = admin.post(events, {**BASE, "slug": slug}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert admin.get(events + "?ordering=slug").json()["count"] >= 1
    other_body = admin.post(events, {**BASE, "slug": unique("x")}, headers=key)
    assert (other_body.status_code, other_body.json()) == (
        409,
        {"detail": "This idempotency key was already used for a different request."},
    )
    other_path = admin.post(events + f"{slug}/clone/", {**BASE, "slug": slug}, headers=key)
    assert other_path.status_code == 409
    # the same key from another credential is another key
    other_admin = Api(stack.url, stack.create_user(unique("adm"), "pw", admin=True))
    assert other_admin.post(events, {**BASE, "slug": slug}, headers=key).status_code == 400


def test_idempotency_key_keeps_a_400_and_accepts_the_plain_header(admin, events):
    key = {"Idempotency-Key": unique("key")}
    first = admin.post(events, {**BASE, "slug": "bad slug"}, headers=key)
    assert first.status_code == 400
    again = admin.post(events, {**BASE, "slug": "bad slug"}, headers=key)
    assert (again.status_code, again.json()) == (400, first.json())


def test_idempotency_keys_on_patch_and_delete(admin, events):
    slug = unique("idem")
    assert admin.post(events, {**BASE, "slug": slug}).status_code == 201
    key = {"X-Idempotency-Key": unique("key")}
    first = admin.patch(events + f"{slug}/", {"name": "Once"}, headers=key)
    again = admin.patch(events + f"{slug}/", {"name": "Once"}, headers=key)
    assert (first.status_code, again.status_code, again.json()) == (200, 200, first.json())
    key = {"X-Idempotency-Key": unique("key")}
    assert admin.delete(events + f"{slug}/", headers=key).status_code == 204
    repeat = admin.delete(events + f"{slug}/", headers=key)
    assert (repeat.status_code, repeat.content) == (204, b"")
    assert admin.delete(events + f"{slug}/").status_code == 403


def test_idempotent_repeats_in_parallel_make_one_event(admin, events):
    slug, key = unique("par"), {"X-Idempotency-Key": unique("key")}
    statuses: list[int] = []

    def send() -> None:
        statuses.append(admin.post(events, {**BASE, "slug": slug}, headers=key).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {201, 409} and 201 in statuses
    assert admin.get(events + f"{slug}/").status_code == 200
