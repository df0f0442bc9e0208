"""The gateway's access log: one line per request, without tokens.

A line reads ``127.0.0.1 "POST /Sessions/Playing/Progress HTTP/1.1" 204 - 0.000412``: the client,
the request line as sent (token-bearing query parameters masked), the status, the body's length in
bytes (its Content-Length; ``-`` without one), and the seconds the gateway took to have the answer
ready (its writing to the socket not included). The record's own time stamp says when.

Lines are INFO, except the answered reports of a route that marks its requests ``quiet`` (the
progress reports: each client sends one every few seconds, so they would be most of the log and
most of the cost of logging): those are DEBUG. A quiet route's errors stay INFO; every request is
counted in the metrics either way.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

#: the request line as the client sent it (the WSGI environ has no such key of its own)
REQUEST_LINE = "gateway.request_line"
#: set in the environ of a request whose route is quiet
QUIET = "gateway.quiet"

SECRET_QUERY = re.compile(r"((?:api_?key|token)=)[^&\s\"]+", re.IGNORECASE)

access_log = logging.getLogger("gateway.access")


class RedactTokens(logging.Filter):
    """Masks token-bearing query parameters in the lines of the access logger (its own, and the
    tracebacks eventlet writes there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = SECRET_QUERY.sub(r"\1***", str(record.msg))
        if record.args:
            record.args = tuple(SECRET_QUERY.sub(r"\1***", str(arg)) for arg in record.args)
        return True


access_log.addFilter(RedactTokens())


def level(environ: dict[str, Any], status: str) -> int:
    """DEBUG for a quiet route's answered request (2xx), INFO for every other."""
    return logging.DEBUG if environ.get(QUIET) and status.startswith("2") else logging.INFO


def log_request(
    environ: dict[str, Any], status: str, headers: list[tuple[str, str]], started: float
) -> None:
    """The request's access line; `status` and `headers` are what the application answered with
    (none, when a websocket taken over answered on its own)."""
    line_level = level(environ, status)
    if not access_log.isEnabledFor(line_level):
        return
    length = next((value for name, value in headers if name.lower() == "content-length"), "-")
    client = environ.get("REMOTE_ADDR", "-")
    request_line = environ.get(REQUEST_LINE, "")
    code = status.partition(" ")[0] or "-"
    seconds = time.perf_counter() - started
    access_log.log(line_level, f'{client} "{request_line}" {code} {length} {seconds:.6f}')
