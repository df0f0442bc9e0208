"""The principal cache and the resolver in front of accounts."""

import pytest

from gateway.auth import Authenticator, PrincipalCache
from gateway.credentials import Credentials
from services.common.errors import NotAuthenticated
from services.common.principal import Principal
from services.common.tokens import hash_token

ALICE = Principal(kind="user", token_id=1, user_id=7, username="alice", device_id="stored")


def test_authenticator_asks_accounts_once_per_ttl_and_uses_header_device():
    calls = []

    def authenticate(token: str) -> dict:
        calls.append(token)
        return ALICE.to_dict()

    auth = Authenticator(PrincipalCache(ttl=60), authenticate)
    headers = {"Authorization": 'MediaBrowser DeviceId="phone", Token="secret"'}
    first = auth.principal(headers, {})
    second = auth.principal(headers, {})
    assert calls == ["secret"]
    assert first.device_id == "phone" and second.user_id == 7
    assert auth.cache.get(hash_token("secret")).device_id == "stored"


def test_authenticator_without_credentials_raises_not_authenticated():
    auth = Authenticator(PrincipalCache(ttl=60), lambda token: ALICE.to_dict())
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
    auth = Authenticator(PrincipalCache(ttl=60), lambda token: stored.to_dict())
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
    auth = Authenticator(PrincipalCache(ttl=60), lambda token: ALICE.to_dict())
    with pytest.raises(NotAuthenticated):
        auth.resolve(Credentials(token=None, device_id="phone"))
