import pytest

from services.accounts import tokens, users
from services.common.errors import (
    AuthenticationFailed,
    BadRequest,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from services.common.principal import Principal


@pytest.fixture
def db(session_for):
    return session_for("accounts")


def test_usernames_are_unique_regardless_of_case(db):
    users.create_user(db, "Dup", "pw")
    with pytest.raises(BadRequest) as raised:
        users.create_user(db, "dup", "pw")
    assert raised.value.detail == "A user with the name 'dup' already exists."


def test_a_create_that_loses_a_race_for_the_name_is_a_clean_400(db, monkeypatch):
    users.create_user(db, "racer", "pw")
    monkeypatch.setattr(users, "by_name", lambda session, name: None)  # the check ran first
    with pytest.raises(BadRequest):
        users.create_user(db, "RACER", "pw")
    monkeypatch.undo()
    assert users.by_name(db, "racer").username == "racer"  # the session is still usable


def test_name_and_password_are_required(db):
    with pytest.raises(ValidationFailed) as raised:
        users.create_user(db, "  ", "pw")
    assert raised.value.fields == {"Name": ["This field is required."]}
    with pytest.raises(ValidationFailed):
        users.create_user(db, "someone", "")


def test_only_admin_users_create_users(db):
    plain = Principal(kind="user", token_id=1, user_id=1, is_admin=False)
    with pytest.raises(PermissionDenied):
        users.create_user_as(db, plain, "x", "pw")
    admin = Principal(kind="user", token_id=1, user_id=1, is_admin=True)
    assert users.create_user_as(db, admin, "made-by-admin", "pw").username == "made-by-admin"


def test_login_checks_password_and_replaces_the_devices_earlier_login(db):
    users.create_user(db, "login-user", "pw")
    with pytest.raises(AuthenticationFailed):
        users.login(db, "login-user", "wrong", tokens.Device())
    with pytest.raises(AuthenticationFailed):
        users.login(db, "nobody", "pw", tokens.Device())
    device = tokens.Device(device_id="tv")
    _, first, revoked = users.login(db, "LOGIN-USER", "pw", device)
    assert revoked == []
    user, second, revoked = users.login(db, "login-user", "pw", device)
    assert revoked and user.last_login_at is not None
    with pytest.raises(AuthenticationFailed):
        tokens.authenticate(db, first)
    assert tokens.authenticate(db, second).user_id == user.id


def test_find_user_by_id_and_both_guid_forms(db):
    user = users.create_user(db, "findme", "pw")
    dashed = (
        f"{user.uuid[:8]}-{user.uuid[8:12]}-{user.uuid[12:16]}-{user.uuid[16:20]}-{user.uuid[20:]}"
    )
    assert users.find_user(db, user.id) is user
    assert users.find_user(db, user.uuid.upper()) is user
    assert users.find_user(db, dashed) is user
    for missing in (10**9, "not-a-guid", "0" * 32):
        with pytest.raises(NotFound):
            users.find_user(db, missing)
