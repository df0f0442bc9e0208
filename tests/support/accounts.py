"""Accounts over HTTP, for end-to-end tests: users, organizers, teams and team tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.support.client import Api


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


@dataclass
class Caller:
    api: Api
    token: str
    user_id: int | None


def new_user(stack: Any, prefix: str = "user", admin: bool = False) -> Caller:
    token = stack.create_user(unique(prefix), "pw-" + secrets.token_hex(8), admin=admin)
    api = Api(stack.url, token)
    return Caller(api, token, api.get("/users/me").json()["SetlistId"])


def new_organizer(admin: Api, prefix: str = "org") -> str:
    slug = unique(prefix)
    response = admin.post("/api/v1/organizers/", {"slug": slug, "name": slug})
    assert response.status_code == 201, response.text
    return slug


def new_team(admin: Api, organizer: str, members: Sequence[int | None] = (), **flags: Any) -> int:
    """A team with `flags` (pretix's team fields) and these members; returns its id."""
    response = admin.post(
        f"/api/v1/organizers/{organizer}/teams/", {"name": unique("team"), **flags}
    )
    assert response.status_code == 201, response.text
    team = response.json()["id"]
    for user_id in members:
        added = admin.post(
            f"/api/v1/organizers/{organizer}/teams/{team}/members/", {"user": user_id}
        )
        assert added.status_code == 201, added.text
    return team


def team_token(stack: Any, admin: Api, organizer: str, team: int) -> Caller:
    response = admin.post(f"/api/v1/organizers/{organizer}/teams/{team}/tokens/", {"name": "api"})
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    return Caller(Api(stack.url, token), token, None)
