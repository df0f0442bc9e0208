"""API.md §1 through the running gateway: every credential form, logins, users, server info."""

import uuid

import pytest

from tests.support.client import Api


@pytest.fixture(scope="module")
def alice(stack):
    name = f"alice-{uuid.uuid4().hex[:6]}"
    return name, stack.create_user(name, "alice-pw")


def credential_forms(token: str) -> list[tuple[dict, dict]]:
    emby = f'MediaBrowser Client="Jellyfin Web", Device="Firefox", DeviceId="d1", Version="10.8", Token="{token}"'
    return [
        ({"Authorization": f"Token {token}"}, {}),
        ({"Authorization": f"Bearer {token}"}, {}),
        ({"Authorization": emby}, {}),
        ({"Authorization": emby.replace("MediaBrowser", "Emby").replace('"', "")}, {}),
        ({"X-Emby-Authorization": emby}, {}),
        ({"X-Emby-Token": token}, {}),
        ({"X-MediaBrowser-Token": token}, {}),
        ({}, {"ApiKey": token}),
        ({}, {"api_key": token}),
        ({}, {"token": token}),
    ]


def test_every_credential_form_authenticates_users_me(stack, alice):
    name, token = alice
    for headers, params in credential_forms(token):
        response = Api(stack.url, headers=headers).get("/Users/Me", params=params)
        assert response.status_code == 200, (headers, params, response.text)
        assert response.json()["Name"] == name


def test_every_credential_form_with_a_bad_token_is_401(stack):
    for headers, params in credential_forms("0" * 64):
        response = Api(stack.url, headers=headers).get("/Users/Me", params=params)
        assert response.status_code == 401, (headers, params)


def test_pretix_401_bodies(stack):
    api = Api(stack.url)
    assert api.get("/api/v1/organizers/").json() == {
        "detail": "Authentication credentials were not provided."
    }
    response = api.get("/api/v1/organizers/", headers={"Authorization": "Token nope"})
    assert (response.status_code, response.json()) == (401, {"detail": "Invalid token."})
    response = api.get("/api/v1/organizers/", headers={"Authorization": "Basic eDp5"})
    assert response.status_code == 401


def test_routes_match_in_any_case(stack, alice):
    _, token = alice
    for path in ("/users/me", "/USERS/ME", "/Users/Me"):
        assert Api(stack.url, token).get(path).status_code == 200


def test_authenticate_by_name_issues_a_token_pinned_to_the_server_id(stack, alice):
    name, _ = alice
    api = Api(
        stack.url,
        headers={
            "Authorization": 'MediaBrowser Client="c", Device="d", DeviceId="login-dev", Version="1"'
        },
    )
    response = api.post("/Users/AuthenticateByName", json={"Username": name, "Pw": "alice-pw"})
    assert response.status_code == 200
    body = response.json()
    info = api.get("/System/Info/Public").json()
    assert body["ServerId"] == info["Id"] == body["User"]["ServerId"]
    assert body["User"]["Name"] == name and body["User"]["Policy"]["IsAdministrator"] is False
    assert body["SessionInfo"]["DeviceId"] == "login-dev"
    me = Api(stack.url, headers={"X-Emby-Token": body["AccessToken"]}).get("/Users/Me")
    assert me.json()["Id"] == body["User"]["Id"]


def test_authenticate_by_name_reads_keys_in_any_case(stack, alice):
    name, _ = alice
    response = Api(stack.url).post(
        "/users/authenticatebyname", json={"username": name, "pw": "alice-pw"}
    )
    assert response.status_code == 200


def test_wrong_password_is_401(stack, alice):
    name, _ = alice
    response = Api(stack.url).post(
        "/Users/AuthenticateByName", json={"Username": name, "Pw": "wrong"}
    )
    assert response.status_code == 401


def test_a_new_login_from_the_same_device_ends_the_old_one(stack, alice):
    name, _ = alice
    api = Api(stack.url, headers={"Authorization": 'MediaBrowser DeviceId="same-device"'})
    login = {"Username": name, "Pw": "alice-pw"}
    first = api.post("/Users/AuthenticateByName", json=login).json()["AccessToken"]
    second = api.post("/Users/AuthenticateByName", json=login).json()["AccessToken"]
    assert Api(stack.url, headers={"X-Emby-Token": first}).get("/Users/Me").status_code == 401
    assert Api(stack.url, headers={"X-Emby-Token": second}).get("/Users/Me").status_code == 200


def test_public_system_info(stack):
    body = Api(stack.url).get("/System/Info/Public").json()
    assert body["StartupWizardCompleted"] is True
    assert {"ServerName", "Version", "Id", "ProductName", "LocalAddress"} <= set(body)
    assert len(body["Id"]) == 32


def test_users_new_is_admin_only(stack, admin, alice):
    name = f"new-{uuid.uuid4().hex[:6]}"
    _, plain_token = alice
    refused = Api(stack.url, plain_token).post("/Users/New", json={"Name": name, "Password": "p"})
    assert refused.status_code == 403
    created = admin.post("/Users/New", json={"Name": name, "Password": "p"})
    assert created.status_code == 200
    body = created.json()
    assert body["Name"] == name and isinstance(body["SetlistId"], int) and len(body["Id"]) == 32
    duplicate = admin.post("/Users/New", json={"Name": name.upper(), "Password": "p"})
    assert duplicate.status_code == 400 and "already exists" in duplicate.json()["detail"]
    login = Api(stack.url).post("/Users/AuthenticateByName", json={"Username": name, "Pw": "p"})
    assert login.status_code == 200


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"[1, 2]", "application/json"),
    ],
)
def test_malformed_bodies_are_400_with_json(stack, admin, body, content_type):
    response = admin.post("/Users/New", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert "detail" in response.json()


def test_unknown_route_is_json_404(stack):
    response = Api(stack.url).get("/no/such/route")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_users_me_shows_each_new_login_at_once(stack, alice):
    """The gateway keeps the caller's record for /Users/Me, and forgets it when accounts says
    the user logged in again: LastLoginDate moves with every login."""
    name, token = alice
    me = Api(stack.url, token)
    api = Api(stack.url, headers={"Authorization": 'MediaBrowser DeviceId="me-device"'})
    seen = []
    for _ in range(2):
        login = api.post("/Users/AuthenticateByName", json={"Username": name, "Pw": "alice-pw"})
        assert login.status_code == 200
        seen.append(me.get("/Users/Me").json()["LastLoginDate"])
        assert seen[-1] == login.json()["User"]["LastLoginDate"]
    assert seen[0] < seen[1]
