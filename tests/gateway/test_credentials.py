"""Every credential form of API.md §1, and which one wins."""

import pytest

from gateway.credentials import parse_emby, read_credentials
from services.common.errors import AuthenticationFailed

EMBY = 'MediaBrowser Client="Jellyfin Web", Device="Fire%20fox", DeviceId="dev-1", Version="10.8", Token="t-emby"'


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"Authorization": "Token abc"}, {}),
        ({"Authorization": "Bearer abc"}, {}),
        ({"Authorization": "token abc"}, {}),
        ({"Authorization": 'MediaBrowser Token="abc"'}, {}),
        ({"Authorization": "Emby Token=abc"}, {}),
        ({"X-Emby-Authorization": 'MediaBrowser Client="c", Token="abc"'}, {}),
        ({"X-Emby-Token": "abc"}, {}),
        ({"X-MediaBrowser-Token": "abc"}, {}),
        ({}, {"ApiKey": "abc"}),
        ({}, {"api_key": "abc"}),
        ({}, {"token": "abc"}),
    ],
)
def test_every_form_yields_the_token(headers, query):
    assert read_credentials(headers, query).token == "abc"


def test_mediabrowser_header_gives_the_device_url_decoded():
    credentials = read_credentials({"Authorization": EMBY}, {})
    assert credentials.token == "t-emby"
    assert credentials.device() == {
        "device_id": "dev-1",
        "device_name": "Fire fox",
        "client": "Jellyfin Web",
        "client_version": "10.8",
    }


def test_mediabrowser_header_without_token_keeps_device_and_takes_token_from_header():
    headers = {"Authorization": 'MediaBrowser Client="c", DeviceId="d"', "X-Emby-Token": "abc"}
    credentials = read_credentials(headers, {})
    assert (credentials.token, credentials.device_id) == ("abc", "d")


def test_first_match_wins():
    headers = {"Authorization": "Token first", "X-Emby-Token": "second"}
    assert read_credentials(headers, {"api_key": "third"}).token == "first"
    assert read_credentials({"X-Emby-Token": "second"}, {"api_key": "third"}).token == "second"


def test_no_credentials_and_unknown_scheme_give_no_token():
    assert read_credentials({}, {}).token is None
    assert read_credentials({"Authorization": "Basic dXNlcjpwdw=="}, {}).token is None


@pytest.mark.parametrize(
    "header, message",
    [
        ("Token", "Invalid token header. No credentials provided."),
        ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ],
)
def test_malformed_token_header(header, message):
    with pytest.raises(AuthenticationFailed) as raised:
        read_credentials({"Authorization": header}, {})
    assert raised.value.detail == message


def test_parse_emby_accepts_unquoted_values_and_any_key_case():
    assert parse_emby('client=a, DEVICEID="b" , token=c') == {
        "client": "a",
        "deviceid": "b",
        "token": "c",
    }


def test_device_fields_over_255_characters_are_400_naming_the_field():
    from services.common.errors import ValidationFailed

    header = f'MediaBrowser Client="c", Device="d", DeviceId="{"x" * 256}", Version="1"'
    with pytest.raises(ValidationFailed) as raised:
        read_credentials({"Authorization": header}, {})
    assert raised.value.fields == {
        "DeviceId": ["Ensure this field has no more than 255 characters."]
    }
