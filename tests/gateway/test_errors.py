"""One status and one body per error, and no internals in a 500."""

import json

import pytest
from nameko.exceptions import RemoteError, UnknownService

from gateway.errors import error_response
from services.common import errors


@pytest.mark.parametrize(
    "exc, status, body",
    [
        (
            errors.NotAuthenticated(),
            401,
            {"detail": "Authentication credentials were not provided."},
        ),
        (errors.AuthenticationFailed(), 401, {"detail": "Invalid token."}),
        (
            errors.PermissionDenied(),
            403,
            {"detail": "You do not have permission to perform this action."},
        ),
        (errors.NotFound("Invalid page."), 404, {"detail": "Invalid page."}),
        (
            errors.field_error("slug", "This field is required."),
            400,
            {"slug": ["This field is required."]},
        ),
        (errors.Conflict(), 409, {"detail": "The request conflicts with the current state."}),
        (errors.UnsupportedMediaType(), 415, {"detail": "Unsupported media type in request."}),
        (
            UnknownService("events"),
            503,
            {"detail": "A service needed for this request is unavailable."},
        ),
        (
            RemoteError("ConnectionForced", "broker shutdown"),
            503,
            {"detail": "A service needed for this request is unavailable."},
        ),
    ],
)
def test_status_and_body(exc, status, body):
    response = error_response(exc)
    assert response.status_code == status
    assert json.loads(response.get_data()) == body


def test_unexpected_error_is_500_with_an_id_and_nothing_else():
    response = error_response(RemoteError("KeyError", "'secret internals'"))
    body = json.loads(response.get_data())
    assert response.status_code == 500
    assert set(body) == {"detail", "error_id"} and "secret" not in response.get_data(as_text=True)
