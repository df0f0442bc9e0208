"""The principal cache and the resolver in front of accounts."""

import pytest

from gateway.auth import Authenticator, PrincipalCache
from gateway.credentials import Credentials
from services.common.errors import NotAuthenticated
from services.common.principal import Principal
from services.common.tokens import hash_token

ALICE = Principal(kind="user", token_id=1, user_id=7, username="alice", device_id="stored")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_cache_expires_after_ttl():
    clock = Clock()
    cache = PrincipalCache(ttl=5, clock=clock)
    cache.put("k", ALICE)
    clock.now = 4.9
    assert cache.get("k") == ALICE
    clock.now = 5.0
    assert cache.get("k") is None


def test_cache_drop_forgets_revoked_tokens():
    cache = PrincipalCache(ttl=5)
    cache.put("a", ALICE)
    cache.put("b", ALICE)
    cache.drop(["a", "unknown"])
    assert cache.get("a") is None and cache.get("b") == ALICE


def test_full_cache_sweeps_expired_entries_first():
    clock = Clock()
    cache = PrincipalCache(ttl=1, max_entries=2, clock=clock)
    cache.put("old", ALICE)
    clock.now = 0.5
    cache.put("young", ALICE)
    clock.now = 1.2
    cache.put("new", ALICE)
    assert cache.get("young") == ALICE and cache.get("new") == ALICE
    assert len(cache._entries) == 2  # "old" (expired at 1.0) made room


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
