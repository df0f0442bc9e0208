"""gateway/users.py: the callers' own records asked of accounts once, until a change drops them."""

from gateway.users import UserCache, Users


def test_a_user_is_asked_once_until_accounts_says_it_changed():
    asked: list[int] = []

    def find_user(user_id: int) -> dict:
        asked.append(user_id)
        return {"id": user_id, "last_login_at": f"login {len(asked)}"}

    users = Users(UserCache(ttl=60), find_user)
    assert users.find(7) == users.find(7) == {"id": 7, "last_login_at": "login 1"}
    users.find(8)
    users.forget([7])
    assert users.find(7)["last_login_at"] == "login 3"
    assert asked == [7, 8, 7]
