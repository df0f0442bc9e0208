from services.common.principal import Principal


def test_a_principal_travels_as_a_dict_and_back() -> None:
    principal = Principal(kind="user", token_id=7, user_id=3, username="ada", device_id="phone")
    data = principal.to_dict()
    assert data == {
        "kind": "user",
        "token_id": 7,
        "user_id": 3,
        "username": "ada",
        "user_uuid": None,
        "is_admin": False,
        "team_id": None,
        "organizer": None,
        "device_id": "phone",
        "client": None,
        "device_name": None,
        "client_version": None,
    }
    assert Principal.from_dict(data) == principal


def test_changing_the_dict_leaves_the_principal_as_it_was() -> None:
    principal = Principal(kind="team", token_id=1, team_id=2, organizer="acme")
    principal.to_dict()["organizer"] = "other"
    assert principal.organizer == "acme"
