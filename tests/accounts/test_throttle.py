"""The failed-login throttle (API.md §1 "Failed logins"), on the accounts database."""

from datetime import timedelta

import pytest

from services.accounts import throttle, tokens, users
from services.common.database import utcnow
from services.common.errors import AuthenticationFailed, PermissionDenied, TooManyRequests
from services.common.principal import Principal


@pytest.fixture
def db(session_for):
    return session_for("accounts")


def fail(db, name, address, times, at):
    for _ in range(times):
        throttle.record_failure(db, name, address, at)


def test_five_failures_of_one_username_from_one_address_lock_only_that_pair(db):
    now = utcnow()
    fail(db, "Ann", "10.0.0.1", 4, now - timedelta(minutes=10))
    throttle.check(db, "ann", "10.0.0.1", now)  # four are allowed
    fail(db, "ann", "10.0.0.1", 1, now - timedelta(minutes=1))
    with pytest.raises(TooManyRequests) as raised:
        throttle.check(db, "ANN", "10.0.0.1", now)
    assert raised.value.detail == "Too many failed logins; try again later."
    assert raised.value.extra["retry_after"] == 5 * 60  # the oldest leaves the window then
    throttle.check(db, "ann", "10.0.0.2", now)
    throttle.check(db, "bob", "10.0.0.1", now)
    throttle.check(db, "ann", "10.0.0.1", now + timedelta(minutes=5, seconds=1))  # not for good


def test_thirty_failures_from_one_address_lock_every_username_from_it(db):
    now = utcnow()
    for index in range(30):
        fail(db, f"user{index}", "10.0.0.3", 1, now - timedelta(seconds=30 - index))
    with pytest.raises(TooManyRequests) as raised:
        throttle.check(db, "someone-else", "10.0.0.3", now)
    assert 0 < raised.value.extra["retry_after"] <= 15 * 60
    throttle.check(db, "someone-else", "10.0.0.4", now)


def test_failures_older_than_the_window_do_not_count(db):
    now = utcnow()
    fail(db, "old", "10.0.0.5", 10, now - timedelta(minutes=16))
    throttle.check(db, "old", "10.0.0.5", now)


def test_login_counts_failures_and_a_success_resets_the_username(db):
    users.create_user(db, "counted", "pw")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            users.login(db, "counted", "wrong", tokens.Device(), "10.1.1.1")
    users.login(db, "counted", "pw", tokens.Device(), "10.1.1.1")
    for _ in range(4):  # the count started again
        with pytest.raises(AuthenticationFailed):
            users.login(db, "counted", "wrong", tokens.Device(), "10.1.1.1")
    with pytest.raises(AuthenticationFailed):
        users.login(db, "counted", "wrong", tokens.Device(), "10.1.1.1")
    with pytest.raises(TooManyRequests):  # the right password too, while locked
        users.login(db, "counted", "pw", tokens.Device(), "10.1.1.1")


def test_an_unknown_user_fails_like_a_wrong_password_and_is_counted(db):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed) as raised:
            users.login(db, "nobody-here", "pw", tokens.Device(), "10.1.1.2")
        assert raised.value.detail == "Invalid username or password."
    with pytest.raises(TooManyRequests):
        users.login(db, "nobody-here", "pw", tokens.Device(), "10.1.1.2")


def test_a_login_replaces_a_hash_made_with_older_parameters(db):
    user = users.create_user(db, "old-hash", "x")
    user.password_hash = (
        "scrypt$16384$8$1$yHTp8f54Ns+O2/PUMZqQ1A==$59XnAeYrE4A4Hjxk3uwJ2GAiLWJBUPqKxwBJc44S8Zs="
    )
    users.login(db, "old-hash", "x", tokens.Device())
    assert user.password_hash.startswith("scrypt$131072$8$1$")
    users.login(db, "old-hash", "x", tokens.Device())  # and it still verifies


def test_revoke_user_tokens_and_logout(db):
    user = users.create_user(db, "leaver", "pw")
    first, _ = tokens.issue_user_token(db, user)
    second, record = tokens.issue_user_token(db, user)
    principal = tokens.authenticate(db, second)
    assert len(users.logout(db, principal)) == 1
    with pytest.raises(AuthenticationFailed):
        tokens.authenticate(db, second)
    tokens.authenticate(db, first)
    assert len(users.revoke_user_tokens(db, "LEAVER")) == 1
    with pytest.raises(AuthenticationFailed):
        tokens.authenticate(db, first)
    with pytest.raises(PermissionDenied):
        users.logout(db, Principal(kind="team", token_id=record.id, team_id=1))
