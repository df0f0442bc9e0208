"""The access log: one line per request, tokens masked, a quiet route's answers at DEBUG."""

import logging

import pytest

from gateway.access import QUIET, REQUEST_LINE, RedactTokens, log_request

REPORT = "POST /Sessions/Playing/Progress HTTP/1.1"


def test_access_log_masks_tokens_in_query():
    record = logging.LogRecord(
        "gateway.access",
        logging.INFO,
        __file__,
        1,
        '"GET /Users/Me?api_key=s3cret&ApiKey=x&token=y&page=2 HTTP/1.1"',
        None,
        None,
    )
    RedactTokens().filter(record)
    assert record.msg == '"GET /Users/Me?api_key=***&ApiKey=***&token=***&page=2 HTTP/1.1"'


def test_a_line_has_the_client_request_status_length_and_seconds(caplog):
    environ = {"REMOTE_ADDR": "10.0.0.9", REQUEST_LINE: "GET /Users/Me?api_key=s3cret HTTP/1.1"}
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        log_request(
            environ, "200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")], 0.0
        )
    (record,) = caplog.records
    client, request_line, rest = record.getMessage().split('"')
    assert (client, request_line) == ("10.0.0.9 ", "GET /Users/Me?api_key=*** HTTP/1.1")
    code, length, seconds = rest.split()
    assert (code, length, record.levelno) == ("200", "5", logging.INFO)
    assert float(seconds) > 0


def test_a_websocket_taken_over_logs_what_it_knows(caplog):
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        log_request({REQUEST_LINE: "GET /ws/events/1 HTTP/1.1"}, "", [], 0.0)
    (record,) = caplog.records
    assert record.getMessage().startswith('- "GET /ws/events/1 HTTP/1.1" - - ')


@pytest.mark.parametrize(
    ("quiet", "status", "level"),
    [
        (True, "204 NO CONTENT", logging.DEBUG),
        (True, "400 BAD REQUEST", logging.INFO),
        (True, "503 SERVICE UNAVAILABLE", logging.INFO),
        (False, "204 NO CONTENT", logging.INFO),
    ],
)
def test_a_quiet_routes_answers_are_debug_and_its_errors_info(caplog, quiet, status, level):
    environ = {"REMOTE_ADDR": "127.0.0.1", REQUEST_LINE: REPORT, QUIET: quiet}
    with caplog.at_level(logging.DEBUG, logger="gateway.access"):
        log_request(environ, status, [], 0.0)
    assert [record.levelno for record in caplog.records] == [level]


def test_a_quiet_routes_answers_are_not_written_at_info(caplog):
    with caplog.at_level(logging.INFO, logger="gateway.access"):
        log_request({QUIET: True, REQUEST_LINE: REPORT}, "204 NO CONTENT", [], 0.0)
    assert caplog.records == []
