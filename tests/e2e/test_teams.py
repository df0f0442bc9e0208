"""Organizers, teams, members and team tokens (API.md §1) through the running gateway."""

import uuid

import pytest

from tests.support.client import Api


@pytest.fixture(scope="module")
def org(stack, admin):
    slug = f"org-{uuid.uuid4().hex[:8]}"
    response = admin.post("/api/v1/organizers/", json={"slug": slug, "name": "Org"})
    assert response.status_code == 201, response.text
    return slug


def test_only_admins_create_organizers_and_slugs_are_checked(stack, admin):
    outsider = stack.create_user(f"u-{uuid.uuid4().hex[:6]}", "pw")
    refused = Api(stack.url, outsider).post("/api/v1/organizers/", json={"slug": "x", "name": "X"})
    assert refused.status_code == 403
    bad = admin.post("/api/v1/organizers/", json={"slug": "a b", "name": "X"})
    assert bad.json() == {"slug": ["The slug may only contain letters, numbers, dots and dashes."]}
    missing = admin.post("/api/v1/organizers/", json={})
    assert missing.json() == {
        "slug": ["This field is required."],
        "name": ["This field is required."],
    }


def test_team_lifecycle_members_and_tokens(stack, admin, org):
    teams = f"/api/v1/organizers/{org}/teams/"
    created = admin.post(
        teams, json={"name": "Crew", "can_create_events": True, "limit_events": ["b", "a"]}
    )
    assert created.status_code == 201
    team = created.json()
    assert team["name"] == "Crew" and team["can_create_events"] is True
    assert team["limit_events"] == ["a", "b"] and team["all_events"] is False
    path = f"{teams}{team['id']}/"
    assert admin.get(path).json() == team
    assert admin.get(teams).json()["results"] == [team]
    assert admin.patch(path, json={"all_events": True}).json()["all_events"] is True
    assert admin.put(path, json={}).json() == {"name": ["This field is required."]}

    name = f"m-{uuid.uuid4().hex[:6]}"
    member_token = stack.create_user(name, "pw")
    member_id = Api(stack.url, member_token).get("/Users/Me").json()["SetlistId"]
    added = admin.post(path + "members/", json={"user": member_id})
    assert added.status_code == 201 and added.json()["id"] == member_id
    assert admin.post(path + "members/", json={"user": member_id}).status_code == 400
    assert [m["id"] for m in admin.get(path + "members/").json()["results"]] == [member_id]
    assert Api(stack.url, member_token).get("/api/v1/organizers/").json()["results"] == [
        {"slug": org, "name": "Org"}
    ]

    token = admin.post(path + "tokens/", json={"name": "ci"})
    assert token.status_code == 201
    secret, token_id = token.json()["token"], token.json()["id"]
    team_api = Api(stack.url, secret)
    assert team_api.get(f"/api/v1/organizers/{org}/").status_code == 200
    assert team_api.get("/Users/Me").status_code == 403
    listed = admin.get(path + "tokens/").json()["results"]
    assert listed == [{"id": token_id, "name": "ci", "active": True}]
    revoked = admin.delete(f"{path}tokens/{token_id}/")
    assert revoked.json() == {"id": token_id, "name": "ci", "active": False}
    assert team_api.get(f"/api/v1/organizers/{org}/").status_code == 401

    assert admin.delete(f"{path}members/{member_id}/").status_code == 204
    assert admin.delete(f"{path}members/{member_id}/").status_code == 404
    assert admin.delete(path).status_code == 204
    assert admin.get(path).status_code == 404


def test_managing_teams_needs_can_change_teams(stack, admin, org):
    teams = f"/api/v1/organizers/{org}/teams/"
    name = f"w-{uuid.uuid4().hex[:6]}"
    worker_token = stack.create_user(name, "pw")
    worker_id = Api(stack.url, worker_token).get("/Users/Me").json()["SetlistId"]
    team = admin.post(teams, json={"name": "Workers", "can_create_events": True}).json()
    admin.post(f"{teams}{team['id']}/members/", json={"user": worker_id})
    worker = Api(stack.url, worker_token)
    denied = worker.get(teams)
    assert (denied.status_code, denied.json()) == (
        403,
        {"detail": "You do not have permission to perform this action."},
    )
    admin.patch(f"{teams}{team['id']}/", json={"can_change_teams": True})
    assert worker.get(teams).status_code == 200
    assert worker.get("/api/v1/organizers/no-such-org/teams/").status_code == 403


def test_unsupported_media_type_is_415(stack, admin, org):
    response = admin.post(
        f"/api/v1/organizers/{org}/teams/", data="name=x", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "text/plain" in request.'}
