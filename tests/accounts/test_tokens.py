import pytest

from services.accounts import tokens, users
from services.accounts.models import Organizer, Team, Token
from services.common.errors import AuthenticationFailed
from services.common.tokens import hash_token


@pytest.fixture
def db(session_for):
    return session_for("accounts")


def test_user_token_authenticates_as_the_user_and_is_stored_hashed(db):
    user = users.create_user(db, "tok-user", "pw")
    device = tokens.Device(
        device_id="phone", device_name="Ana's", client="Finamp", client_version="0.9"
    )
    token, record = tokens.issue_user_token(db, user, device=device)
    assert len(token) == 64 and record.token_hash == hash_token(token) != token
    principal = tokens.authenticate(db, token)
    assert (principal.kind, principal.user_id, principal.device_id) == ("user", user.id, "phone")
    assert (principal.client, principal.device_name, principal.client_version) == (
        "Finamp",
        "Ana's",
        "0.9",
    )


def test_team_token_authenticates_as_the_team(db):
    organizer = Organizer(slug="tok-org", name="Org")
    db.add(organizer)
    db.flush()
    team = Team(organizer_id=organizer.id, name="T", limit_events=[])
    db.add(team)
    db.flush()
    token, _ = tokens.issue_team_token(db, team, "ci")
    principal = tokens.authenticate(db, token)
    assert (principal.kind, principal.team_id, principal.organizer) == ("team", team.id, "tok-org")
    assert principal.user_id is None


def test_revoked_and_unknown_tokens_fail(db):
    user = users.create_user(db, "tok-revoked", "pw")
    token, record = tokens.issue_user_token(db, user)
    assert tokens.revoke([record]) == [record.token_hash]
    assert tokens.revoke([record]) == []  # already revoked: nothing more to announce
    db.flush()
    for candidate in (token, "nope"):
        with pytest.raises(AuthenticationFailed):
            tokens.authenticate(db, candidate)
    assert db.get(Token, record.id).active is False
