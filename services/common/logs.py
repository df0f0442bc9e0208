"""Logging helpers used by the nameko config (`deploy/config.yml`)."""

from __future__ import annotations

import logging


class ExpectedErrorFilter(logging.Filter):
    """Drops the traceback from nameko's "(expected) error handling worker" warnings.

    An expected error is a client's mistake (bad input, no permission): one line is enough.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("(expected)"):
            record.exc_info = None
            record.exc_text = None
        return True
