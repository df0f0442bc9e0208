"""Black-box security tests against the session's running stack (tests/conftest.py's `stack`).

`world` makes two organizers and every kind of caller API.md §1 knows, once per session:
no credentials, a bad token, a revoked token, a user, another user, an administrator, a team token
of the organizer, one of another organizer, and a limited team's token (one event, no team
management). `SECRETS` collects every token and password the suite uses, for the log check.
"""

from __future__ import annotations

import secrets as random
import uuid
from dataclasses import dataclass, field

import pytest

from tests.support.client import Api
from tests.support.infrastructure import Stack

#: every token and password the suite used; none may appear in any process's log
SECRETS: set[str] = set()
KINDS = (
    "none",
    "bad",
    "revoked",
    "user",
    "other_user",
    "admin",
    "team",
    "other_team",
    "limited_team",
)


@dataclass
class World:
    url: str
    org: str
    other_org: str
    event: str  #: in `org`, seen by the limited team
    hidden_event: str  #: in `org`, not seen by the limited team
    team: int  #: a team of `org`
    track: str  #: a catalogue track's GUID
    user_uuid: str
    other_user_uuid: str
    tokens: dict[str, str | None] = field(default_factory=dict)

    def api(self, kind: str, **headers: str) -> Api:
        return Api(self.url, self.tokens[kind], headers=headers)

    def markers(self) -> list[str]:
        """What names `org`'s data in a response."""
        return [self.org, self.event, self.hidden_event, "Secret crew", "Hidden stage"]


def _created(response, status: int = 201) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def _organizer(admin: Api, slug: str) -> None:
    _created(admin.post("/api/v1/organizers/", json={"slug": slug, "name": slug}))


def _team_token(admin: Api, org: str, name: str, **permissions: object) -> tuple[int, str]:
    team = _created(
        admin.post(f"/api/v1/organizers/{org}/teams/", json={"name": name, **permissions})
    )
    token = _created(
        admin.post(f"/api/v1/organizers/{org}/teams/{team['id']}/tokens/", json={"name": "ci"})
    )
    return team["id"], token["token"]


def _event(api: Api, org: str, slug: str, name: str) -> None:
    _created(
        api.post(
            f"/api/v1/organizers/{org}/events/",
            json={
                "name": {"en": name},
                "slug": slug,
                "currency": "EUR",
                "date_from": "2031-01-01T20:00:00Z",
            },
        )
    )


@pytest.fixture(scope="session")
def world(stack: Stack, admin_token: str) -> World:
    tag = uuid.uuid4().hex[:6]
    admin = Api(stack.url, admin_token)
    org, other_org = f"sec-{tag}", f"sec-other-{tag}"
    _organizer(admin, org)
    _organizer(admin, other_org)
    event, hidden = f"open-{tag}", f"hidden-{tag}"
    _event(admin, org, event, "Open stage")
    _event(admin, org, hidden, "Hidden stage")
    team, team_token = _team_token(
        admin,
        org,
        "Secret crew",
        all_events=True,
        can_create_events=True,
        can_change_event_settings=True,
        can_change_teams=True,
    )
    _, other_team_token = _team_token(
        admin,
        other_org,
        "Other crew",
        all_events=True,
        can_create_events=True,
        can_change_event_settings=True,
        can_change_teams=True,
    )
    _, limited_token = _team_token(
        admin, org, "Limited crew", limit_events=[event], can_change_event_settings=True
    )
    password = random.token_urlsafe(12)
    user_token = stack.create_user(f"sec-user-{tag}", password)
    other_token = stack.create_user(f"sec-other-{tag}", password)
    revoked_token = stack.create_user(f"sec-revoked-{tag}", password)
    assert Api(stack.url, revoked_token).post("/Sessions/Logout").status_code == 204
    track = _created(
        admin.post(
            "/api/v1/tracks/",
            json={"name": "Sec track", "artist": "A", "duration": 1200, "resumable": True},
        )
    )
    me = Api(stack.url, user_token).get("/Users/Me").json()
    other = Api(stack.url, other_token).get("/Users/Me").json()
    tokens = {
        "none": None,
        "bad": random.token_hex(32),
        "revoked": revoked_token,
        "user": user_token,
        "other_user": other_token,
        "admin": admin_token,
        "team": team_token,
        "other_team": other_team_token,
        "limited_team": limited_token,
    }
    SECRETS.update([password, "admin-password", admin_token, *(t for t in tokens.values() if t)])
    return World(
        stack.url, org, other_org, event, hidden, team, track["uuid"], me["Id"], other["Id"], tokens
    )
