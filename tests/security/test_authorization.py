"""Every route × every kind of caller → the status API.md gives, and no answer to a caller of one
organizer names another organizer's data."""

from __future__ import annotations

import pytest

from tests.security.conftest import KINDS, World

NO_CREDENTIALS = {"none": 401, "bad": 401, "revoked": 401}
TEAMS = ("team", "other_team", "limited_team")


def expect(everyone: int | None = None, **statuses: int) -> dict[str, int]:
    """Statuses by kind: 401 without valid credentials, `everyone` for the rest unless named."""
    table = {kind: everyone for kind in KINDS if kind not in NO_CREDENTIALS}
    table.update(statuses)
    return {**NO_CREDENTIALS, **{k: v for k, v in table.items() if v is not None}}


def users_only(status: int) -> dict[str, int]:
    """Jellyfin's user routes: a team token is no user (403)."""
    return expect(status, **{kind: 403 for kind in TEAMS})


#: (method, path with {org} {event} {hidden} {team} {track} {user} {other_org}, body, statuses)
ROUTES: list[tuple[str, str, object, dict[str, int]]] = [
    ("GET", "/Users/Me", None, users_only(200)),
    ("POST", "/Users/New", {"Name": "", "Password": ""}, expect(403, admin=400)),
    ("GET", "/api/v1/organizers/", None, expect(200)),
    ("POST", "/api/v1/organizers/", {}, expect(403, admin=400)),
    ("GET", "/api/v1/organizers/{org}/", None, expect(403, admin=200, team=200, limited_team=200)),
    ("GET", "/api/v1/organizers/{org}/teams/", None, expect(403, admin=200, team=200)),
    ("POST", "/api/v1/organizers/{org}/teams/", {}, expect(403, admin=400, team=400)),
    ("GET", "/api/v1/organizers/{org}/teams/{team}/", None, expect(403, admin=200, team=200)),
    ("PATCH", "/api/v1/organizers/{org}/teams/{team}/", {}, expect(403, admin=200, team=200)),
    (
        "GET",
        "/api/v1/organizers/{org}/teams/{team}/members/",
        None,
        expect(403, admin=200, team=200),
    ),
    (
        "GET",
        "/api/v1/organizers/{org}/teams/{team}/tokens/",
        None,
        expect(403, admin=200, team=200),
    ),
    ("DELETE", "/api/v1/organizers/{org}/teams/999999999/", None, expect(403, admin=404, team=404)),
    (
        "GET",
        "/api/v1/organizers/{org}/events/",
        None,
        expect(403, admin=200, team=200, limited_team=200),
    ),
    ("POST", "/api/v1/organizers/{org}/events/", {}, expect(403, admin=400, team=400)),
    (
        "GET",
        "/api/v1/organizers/{org}/events/{event}/",
        None,
        expect(403, admin=200, team=200, limited_team=200),
    ),
    ("GET", "/api/v1/organizers/{org}/events/{hidden}/", None, expect(403, admin=200, team=200)),
    (
        "PATCH",
        "/api/v1/organizers/{org}/events/{event}/",
        {},
        expect(403, admin=200, team=200, limited_team=200),
    ),
    ("PATCH", "/api/v1/organizers/{org}/events/{hidden}/", {}, expect(403, admin=200, team=200)),
    ("GET", "/api/v1/organizers/{org}/events/nope/", None, expect(403)),
    (
        "GET",
        "/api/v1/organizers/{org}/meta_properties/",
        None,
        expect(403, admin=200, team=200, limited_team=200),
    ),
    ("GET", "/api/v1/organizers/{other_org}/events/", None, expect(403, admin=200, other_team=200)),
    ("GET", "/api/v1/tracks/", None, expect(200)),
    ("GET", "/api/v1/tracks/{track}/", None, expect(200)),
    ("POST", "/api/v1/tracks/", {}, expect(403, admin=400, team=400, other_team=400)),
    (
        "GET",
        "/UserItems/{track}/UserData?userId={user}",
        None,
        users_only(403) | {"user": 200, "admin": 200},
    ),
    (
        "POST",
        "/Users/{user}/PlayedItems/{track}",
        None,
        users_only(403) | {"user": 200, "admin": 200},
    ),
    ("POST", "/Sessions/Playing/Ping?playSessionId=sec", None, users_only(204)),
    ("POST", "/Sessions/Playing", {"ItemId": "{track}", "PlaySessionId": "sec"}, users_only(204)),
    ("GET", "/System/Info/Public", None, {kind: 200 for kind in KINDS}),
    ("GET", "/health", None, {kind: 200 for kind in KINDS}),
    ("GET", "/health/live", None, {kind: 200 for kind in KINDS}),
]


def fill(template: str, world: World) -> str:
    return template.format(
        org=world.org,
        other_org=world.other_org,
        event=world.event,
        hidden=world.hidden_event,
        team=world.team,
        track=world.track,
        user=world.user_uuid,
    )


@pytest.mark.parametrize(
    "method,path,body,statuses", ROUTES, ids=[f"{method} {path}" for method, path, _, _ in ROUTES]
)
def test_every_kind_of_caller_gets_the_status_api_md_gives(world, method, path, body, statuses):
    got = {}
    for kind in KINDS:
        payload = (
            None
            if body is None
            else {
                key: fill(value, world) if isinstance(value, str) else value
                for key, value in body.items()
            }
        )  # type: ignore[attr-defined]
        response = world.api(kind).request(method, fill(path, world), json=payload)
        got[kind] = response.status_code
        if kind in ("other_team", "user", "other_user"):
            leaked = [marker for marker in world.markers() if marker in response.text]
            assert not leaked, f"{kind} saw {leaked} in {method} {path}: {response.text}"
    assert got == statuses


def test_lists_show_each_caller_only_its_own_organizers_and_events(world):
    def slugs(kind: str, path: str) -> set[str]:
        response = world.api(kind).get(path)
        assert response.status_code == 200, response.text
        return {item["slug"] for item in response.json()["results"]}

    assert world.org not in slugs("other_team", "/api/v1/organizers/")
    assert slugs("user", "/api/v1/organizers/") == set()
    events = slugs("limited_team", f"/api/v1/organizers/{world.org}/events/")
    assert events == {world.event}


def test_a_users_data_is_refused_to_another_user(world):
    path = f"/Users/{world.user_uuid}/Items/{world.track}/UserData"
    assert world.api("other_user").get(path).status_code == 403
    assert world.api("user").get(path).status_code == 200
