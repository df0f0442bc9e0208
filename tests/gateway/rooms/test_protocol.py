"""The event room's request protocol (API.md §4) without sockets."""

import json

import pytest

from gateway.rooms.protocol import (
    Crash,
    RoomError,
    crash_message,
    error_message,
    parse_request,
    refusal,
    snake,
)
from services.common import errors


def frame(**fields) -> str:
    return json.dumps(fields)


def refused(text: str) -> dict:
    with pytest.raises(RoomError) as error:
        parse_request(text)
    return error_message(error.value)


@pytest.mark.parametrize("name", ["add_track", "add.track", "addTrack", "AddTrack"])
@pytest.mark.parametrize(
    "payload",
    [
        {"track_id": 3},
        {"trackId": 3},
        {"addTrack": {"trackId": 3}},
        {"add_track": {"track_id": "3"}},
    ],
)
def test_names_and_payload_forms(name, payload):
    request = parse_request(frame(event=name, payload=payload, request_id="r"))
    assert (request.action, request.fields, request.request_id) == (
        "add_track",
        {"track_id": 3},
        "r",
    )


def test_every_action_reads_its_fields():
    assert parse_request(
        frame(
            event="change.event",
            payload={"changeEvent": {"eventName": "X", "eventAccessType": "public"}},
        )
    ).fields == {"event_name": "X", "event_access_type": "public"}
    assert parse_request(frame(event="change_event", payload={})).fields == {}
    assert parse_request(
        frame(event="change_user_access_mode", payload={"userId": 4, "accessMode": "moderator"})
    ).fields == {"user_id": 4, "access_mode": "moderator"}
    for action in ("invite_to_event", "revoke_from_event"):
        assert parse_request(frame(event=action, payload={"user_id": 4})).fields == {"user_id": 4}
    assert parse_request(frame(event="sync")).fields == {}
    assert snake("change.user.access.mode") == "change_user_access_mode"


@pytest.mark.parametrize(
    "text, error",
    [
        (frame(event="dance"), {"message": "Action not exist"}),
        (frame(payload={}), {"message": "Action not exist"}),
        (frame(event=3), {"message": "Action not exist"}),
        (
            frame(event="add_track", payload={}),
            {"message": "Payload signature wrong", "required": "track_id"},
        ),
        (
            frame(event="add_track", payload={"track_id": None}),
            {"message": "Payload signature wrong", "required": "track_id"},
        ),
        (
            frame(event="add_track", payload={"track_id": True}),
            {
                "message": "Payload signature wrong",
                "invalid": "track_id",
                "detail": "A valid integer is required.",
            },
        ),
        (
            frame(event="add_track", payload=[3]),
            {
                "message": "Payload signature wrong",
                "invalid": "payload",
                "detail": "Expected an object.",
            },
        ),
        (
            frame(event="change_event", payload={"eventName": 5}),
            {
                "message": "Payload signature wrong",
                "invalid": "event_name",
                "detail": "Not a valid string.",
            },
        ),
        (
            frame(event="change_user_access_mode", payload={"user_id": 1, "access_mode": "owner"}),
            {
                "message": "Payload signature wrong",
                "invalid": "access_mode",
                "detail": '"owner" is not a valid choice.',
            },
        ),
        (
            frame(event="add_track", payload={"track_id": 1, "extra": 2}),
            {"message": "Action signature wrong", "unexpected": "extra"},
        ),
        (
            frame(event="add_track", payload={"removeTrack": {"track_id": 1}}),
            {"message": "Action signature wrong", "unexpected": "removeTrack"},
        ),
        (
            frame(event="sync", something=1),
            {"message": "Action signature wrong", "unexpected": "something"},
        ),
    ],
)
def test_refusals(text, error):
    assert refused(text) == {"event": "error", "payload": {"error": error}}


def test_refusals_echo_the_request_id():
    answer = refused(frame(event="dance", request_id=9))
    assert answer["request_id"] == 9


@pytest.mark.parametrize("text", ["{nope", "[1]", '"text"', b"\xff"])
def test_what_is_no_request_at_all_crashes_without_internals(text):
    with pytest.raises(Crash) as crash:
        parse_request(text)
    message = crash_message(crash.value.short, "r", ValueError("secret internals"))
    assert message["error"] == "Something wrong" and message["request_id"] == "r"
    assert len(message["error_hash"]) == 12 and "secret" not in json.dumps(message)
    assert message["payload"]["error"]["error_hash"] == message["error_hash"]


def test_service_errors_become_the_contract_messages():
    assert refusal(errors.PermissionDenied()).body() == {"message": "Access denied"}
    assert refusal(errors.NotFound("Track not found")).body() == {"message": "Track not found"}
    assert refusal(errors.ValidationFailed(fields={"access_mode": ["bad"]})).body() == {
        "message": "Payload signature wrong",
        "invalid": "access_mode",
        "detail": "bad",
    }
    assert refusal(errors.ServiceUnavailable()) is None
