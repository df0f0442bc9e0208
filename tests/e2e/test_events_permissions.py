"""pretix's permission model on the events resource: teams, limit_events, tokens, the one 403."""

import pytest

from tests.support.accounts import new_organizer, new_team, new_user, team_token, unique
from tests.support.client import Api

DENIED = {"detail": "You do not have permission to perform this action."}
BASE = {"name": "Conf", "date_from": "2030-01-01T10:00:00Z"}


@pytest.fixture(scope="module")
def world(stack, admin):
    """An organizer with events a, b; a team limited to a; a creator team; an outsider."""
    organizer = new_organizer(admin, "perm")
    events = f"/api/v1/organizers/{organizer}/events/"
    for slug in ("a", "b"):
        assert admin.post(events, {**BASE, "slug": slug}).status_code == 201
    limited = new_user(stack, "limited")
    new_team(
        admin, organizer, [limited.user_id], can_change_event_settings=True, limit_events=["a"]
    )
    creator = new_user(stack, "creator")
    new_team(admin, organizer, [creator.user_id], can_create_events=True)
    both = new_user(stack, "both")
    new_team(
        admin,
        organizer,
        [both.user_id],
        can_create_events=True,
        can_change_event_settings=True,
        all_events=True,
    )
    return {
        "events": events,
        "organizer": organizer,
        "limited": limited.api,
        "creator": creator.api,
        "both": both.api,
        "outsider": new_user(stack, "out").api,
    }


def test_authentication_errors(stack, world):
    anonymous = Api(stack.url).get(world["events"])
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    bad = Api(stack.url, "not-a-token").get(world["events"])
    assert bad.status_code == 401 and bad.json() == {"detail": "Invalid token."}


def test_unknown_organizer_no_permission_and_unknown_event_look_alike(admin, world):
    cases = [
        (admin, "/api/v1/organizers/no-such-org/events/"),
        (admin, "/api/v1/organizers/no-such-org/events/a/"),
        (admin, world["events"] + "no-such-event/"),
        (world["outsider"], world["events"]),
        (world["outsider"], world["events"] + "a/"),
        (world["limited"], world["events"] + "b/"),
        (world["limited"], world["events"] + "no-such-event/"),
    ]
    for api, path in cases:
        response = api.get(path)
        assert (response.status_code, response.json()) == (403, DENIED), path
    for method in ("patch", "put", "delete"):
        response = getattr(admin, method)(
            world["events"] + "no-such-event/", **({} if method == "delete" else {"json": {}})
        )
        assert (response.status_code, response.json()) == (403, DENIED)


def test_limited_team_sees_and_changes_only_its_events(world):
    limited, events = world["limited"], world["events"]
    listed = limited.get(events).json()
    assert [event["slug"] for event in listed["results"]] == ["a"] and listed["count"] == 1
    assert limited.get(events + "a/").status_code == 200
    assert limited.patch(events + "a/", {"name": "A"}).status_code == 200
    assert limited.patch(events + "b/", {"name": "B"}).status_code == 403
    assert limited.delete(events + "b/").status_code == 403
    assert limited.post(events, {**BASE, "slug": unique("x")}).json() == DENIED
    assert limited.post(events + "a/clone/", {**BASE, "slug": unique("x")}).status_code == 403


def test_creating_needs_can_create_events_and_cloning_also_change_settings(world):
    creator, events = world["creator"], world["events"]
    assert creator.post(events, {**BASE, "slug": unique("mine")}).status_code == 201
    assert creator.get(events).status_code == 403
    assert creator.post(events + "a/clone/", {**BASE, "slug": unique("x")}).status_code == 403
    cloned = world["both"].post(events + "a/clone/", {**BASE, "slug": unique("x")})
    assert cloned.status_code == 201


def test_team_token_acts_with_its_team(stack, admin, world):
    organizer = world["organizer"]
    team = new_team(
        admin,
        organizer,
        [],
        can_create_events=True,
        can_change_event_settings=True,
        limit_events=["b"],
    )
    token = team_token(stack, admin, organizer, team).api
    events = world["events"]
    assert [e["slug"] for e in token.get(events).json()["results"]] == ["b"]
    assert token.get(events + "a/").status_code == 403
    assert token.post(events, {**BASE, "slug": unique("tok")}).status_code == 201
    other = f"/api/v1/organizers/{new_organizer(admin)}/events/"
    assert token.get(other).json() == DENIED


def test_live_event_cannot_be_deleted(admin, world):
    events = world["events"]
    slug = unique("live")
    assert admin.post(events, {**BASE, "slug": slug}).status_code == 201
    assert admin.patch(events + f"{slug}/", {"live": True}).json()["live"] is True
    refused = admin.delete(events + f"{slug}/")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": 'A live event cannot be deleted. Set "live" to false first.'
    }
    assert admin.patch(events + f"{slug}/", {"live": False}).status_code == 200
    assert admin.delete(events + f"{slug}/").status_code == 204
    assert admin.delete(events + f"{slug}/").status_code == 403


def test_cloning_needs_change_settings_on_the_source_event_itself(stack, admin, world):
    organizer, events = world["organizer"], world["events"]
    cloner = new_user(stack, "cloner")
    new_team(admin, organizer, [cloner.user_id], can_create_events=True, all_events=True)
    new_team(admin, organizer, [cloner.user_id], can_change_event_settings=True, limit_events=["a"])
    assert cloner.api.post(events + "a/clone/", {**BASE, "slug": unique("ok")}).status_code == 201
    refused = cloner.api.post(events + "b/clone/", {**BASE, "slug": unique("no")})
    assert (refused.status_code, refused.json()) == (403, DENIED)
    assert cloner.api.put(events + "b/", {**BASE, "slug": "b"}).json() == DENIED


def test_every_write_to_an_unknown_organizer_is_the_one_403(admin):
    events = "/api/v1/organizers/no-such-org/events/"
    for method, path in (
        ("post", events),
        ("post", events + "a/clone/"),
        ("patch", events + "a/"),
        ("put", events + "a/"),
        ("delete", events + "a/"),
    ):
        kwargs = {} if method == "delete" else {"json": {**BASE, "slug": "a"}}
        response = getattr(admin, method)(path, **kwargs)
        assert (response.status_code, response.json()) == (403, DENIED), (method, path)
