"""Reading bodies within API.md §1's limits: size, chunked, depth, numbers, text."""

import io
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.bodies import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    jellyfin_lists,
    jellyfin_object,
    json_object,
)
from services.common.errors import BadRequest, PayloadTooLarge


def request(body: bytes) -> Request:
    return Request(
        EnvironBuilder(
            method="POST", path="/x", data=body, content_type="application/json"
        ).get_environ()
    )


def nested(depth: int) -> bytes:
    return ('{"a":' * depth + "1" + "}" * depth).encode()


def test_nesting_up_to_64_levels_is_read_and_deeper_is_400():
    assert json_object(request(nested(MAX_JSON_DEPTH)))
    with pytest.raises(BadRequest):
        json_object(request(nested(MAX_JSON_DEPTH + 1)))
    with pytest.raises(BadRequest):
        jellyfin_object(request(b"[" * 5000))  # past Python's recursion limit too


@pytest.mark.parametrize(
    "body",
    [
        b'{"n": 99999999999999999999}',
        b'{"n": -9223372036854775809}',
        b'{"n": 1e999}',
        b'{"n": NaN}',
        b'{"name": "\\ud800"}',
        b'{"\\udfff": 1}',
        b'{"name": "a\\u0000b"}',
        b'{"n": ' + b"9" * 5000 + b"}",
    ],
)
def test_values_no_field_can_hold_are_400(body):
    with pytest.raises(BadRequest) as raised:
        json_object(request(body))
    assert raised.value.detail.startswith("JSON parse error - ")


def test_64_bit_numbers_and_astral_text_are_fine():
    body = {"n": 2**63 - 1, "m": -(2**63), "name": "🎵"}
    assert json_object(request(json.dumps(body).encode())) == body


def test_a_body_over_one_mebibyte_is_413_by_its_length_or_by_reading():
    with pytest.raises(PayloadTooLarge):
        json_object(request(b" " * (MAX_BODY_BYTES + 1)))
    environ = EnvironBuilder(method="POST", path="/x", input_stream=None).get_environ()
    environ.update(
        {
            "wsgi.input": io.BytesIO(b" " * (MAX_BODY_BYTES + 1)),
            "wsgi.input_terminated": True,
            "CONTENT_TYPE": "application/json",
        }
    )
    environ.pop("CONTENT_LENGTH", None)
    with pytest.raises(PayloadTooLarge):
        json_object(Request(environ))


# reading Jellyfin query lists


def query_request(query: str) -> Request:
    return Request(EnvironBuilder(path="/items", query_string=query).get_environ())


def test_lists_gather_repeated_indexed_and_any_case_names():
    lists = jellyfin_lists(
        query_request(
            "mediaTypes%5B0%5D=Audio&MEDIATYPES%5B1%5D=Video&mediatypes=Book&mediaTypes[]=Photo"
            "&Filters=IsResumable,IsFavorite&userId=abc"
        )
    )
    assert lists == {
        "mediatypes": ["Audio", "Video", "Book", "Photo"],
        "filters": ["IsResumable,IsFavorite"],
        "userid": ["abc"],
    }


def test_no_query_is_no_lists():
    assert jellyfin_lists(query_request("")) == {}
