"""The principal cache and the resolver in front of accounts."""

from collections.abc import Callable

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.auth import Authenticator, KnownCallers, PrincipalCache
from gateway.credentials import Credentials
from services.common.errors import AuthenticationFailed, NotAuthenticated
from services.common.principal import Principal
from services.common.tokens import hash_token

ALICE = Principal(kind="user", token_id=1, user_id=7, username="alice", device_id="stored")


def authenticator(authenticate: Callable[[str], dict]) -> Authenticator:
    return Authenticator(PrincipalCache(ttl=60), authenticate, KnownCallers(ttl=60))


def counting_authenticator() -> tuple[Authenticator, list[str]]:
    """An authenticator whose accounts knows every token as ALICE's, and the tokens it was asked."""
    calls: list[str] = []

    def authenticate(token: str) -> dict:
        calls.append(token)
        return ALICE.to_dict()

    return authenticator(authenticate), calls


def request(headers: dict[str, str], query: str = "") -> Request:
    """A request with these headers and query string, as werkzeug parses it."""
    return Request(
        EnvironBuilder(
            path="/users/me", headers=list(headers.items()), query_string=query
        ).get_environ()
    )


def test_authenticator_asks_accounts_once_per_ttl_and_uses_header_device():
    auth, calls = counting_authenticator()
    headers = {"Authorization": 'MediaBrowser DeviceId="phone", Token="secret"'}
    first = auth.principal(headers, {})
    second = auth.principal(headers, {})
    assert calls == ["secret"]
    assert first.device_id == "phone" and second.user_id == 7
    assert auth.cache.get(hash_token("secret")).device_id == "stored"


def test_authenticator_without_credentials_raises_not_authenticated():
    auth = authenticator(lambda token: ALICE.to_dict())
    with pytest.raises(NotAuthenticated):
        auth.principal({}, {})


def test_header_device_replaces_the_tokens_and_resolve_takes_credentials():
    stored = Principal(
        kind="user",
        token_id=1,
        user_id=7,
        device_id="stored",
        client="Old",
        device_name="Old name",
        client_version="1",
    )
    auth = authenticator(lambda token: stored.to_dict())
    headers = {"Authorization": 'MediaBrowser Client="Finamp", DeviceId="phone", Token="t"'}
    named = auth.principal(headers, {})
    assert (named.device_id, named.client, named.device_name, named.client_version) == (
        "phone",
        "Finamp",
        "Old name",
        "1",
    )
    assert auth.resolve(Credentials(token="t")) == stored  # no header: the token's own device


def test_resolve_without_token_raises_not_authenticated():
    auth = authenticator(lambda token: ALICE.to_dict())
    with pytest.raises(NotAuthenticated):
        auth.resolve(Credentials(token=None, device_id="phone"))


def test_a_request_with_the_same_credentials_is_resolved_once():
    auth, calls = counting_authenticator()
    headers = {"Authorization": 'MediaBrowser DeviceId="phone", Token="secret"'}
    first = auth.request_principal(request(headers))
    assert auth.request_principal(request(headers)) is first  # neither parsed nor copied again
    other_device = auth.request_principal(
        request({"Authorization": 'MediaBrowser DeviceId="tablet", Token="secret"'})
    )
    assert (first.device_id, other_device.device_id, calls) == ("phone", "tablet", ["secret"])
    by_query = auth.request_principal(request({}, "api_key=secret"))
    assert by_query.device_id == "stored" and calls == ["secret"]


def test_a_remembered_request_follows_a_revocation_at_once():
    revoked: set[str] = set()

    def authenticate(token: str) -> dict:
        if token in revoked:
            raise AuthenticationFailed()
        return ALICE.to_dict()

    auth = authenticator(authenticate)
    headers = {"X-Emby-Token": "secret"}
    assert auth.request_principal(request(headers)).user_id == 7
    revoked.add("secret")
    auth.cache.drop([hash_token("secret")])  # what token_revoked does
    with pytest.raises(AuthenticationFailed):
        auth.request_principal(request(headers))


def test_a_remembered_request_follows_the_principal_caches_expiry():
    now = [0.0]
    stored = [ALICE]
    auth = Authenticator(
        PrincipalCache(ttl=5, clock=lambda: now[0]),
        lambda token: stored[0].to_dict(),
        KnownCallers(ttl=60),
    )
    headers = {"X-Emby-Token": "secret"}
    assert auth.request_principal(request(headers)).username == "alice"
    stored[0] = Principal(kind="user", token_id=1, user_id=7, username="alicia")
    now[0] = 6.0
    assert auth.request_principal(request(headers)).username == "alicia"
