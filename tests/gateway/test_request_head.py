"""Reading a request's head: the request line, and the header fields without the email parser."""

import io

import pytest

from gateway.request_head import MAX_HEADERS, BadHead, read_headers, read_request_line


def test_a_request_line_gives_method_target_and_version():
    line = read_request_line("POST /Sessions/Playing/Progress HTTP/1.1")
    assert line == ("POST", "/Sessions/Playing/Progress", "HTTP/1.1", (1, 1))


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("GET /", 400),
        ("GET / HTTP/1.1 extra", 400),
        ("GET / HTTPS/1.1", 400),
        ("GET / HTTP/1.x", 400),
        ("GET / HTTP/2.0", 505),
    ],
)
def test_a_request_line_that_is_not_http_1_is_refused(raw, status):
    with pytest.raises(BadHead) as refused:
        read_request_line(raw)
    assert refused.value.status == status


def test_headers_are_read_up_to_the_empty_line_and_the_body_is_left():
    rfile = io.BytesIO(
        b"Host: x\r\nContent-Type:  application/json \r\nX-Two: a\r\nx-two: b\r\n\r\n{}"
    )
    headers = read_headers(rfile)
    assert headers["content-type"] == "application/json"
    assert headers.get_all("X-Two") == ["a", "b"]
    assert headers.get_content_type() == "application/json"
    assert list(headers.keys()) == ["Host", "Content-Type", "X-Two", "x-two"]
    assert rfile.read() == b"{}"


def test_a_head_that_ends_with_the_connection_has_what_came():
    assert read_headers(io.BytesIO(b"Host: x\r\n"))["Host"] == "x"


@pytest.mark.parametrize(
    "line",
    [b"no colon\r\n", b"Bad Name: x\r\n", b"Space : x\r\n", b" folded\r\n", b": empty\r\n"],
)
def test_a_line_that_is_not_a_field_is_400(line):
    with pytest.raises(BadHead) as refused:
        read_headers(io.BytesIO(b"Host: x\r\n" + line + b"\r\n"))
    assert refused.value.status == 400


def test_more_fields_than_allowed_is_431():
    fields = b"".join(b"X-%d: v\r\n" % number for number in range(MAX_HEADERS + 1))
    with pytest.raises(BadHead) as refused:
        read_headers(io.BytesIO(fields + b"\r\n"))
    assert refused.value.status == 431
    assert len(read_headers(io.BytesIO(fields[: fields.index(b"X-100")] + b"\r\n"))) == MAX_HEADERS
