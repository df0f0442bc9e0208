"""The failed-login throttle of API.md §1: per username and client address, 5 failures within 15
minutes lock that username from that address, 30 lock every username from that address, each until
the window has passed (never for good). A success resets the username's count from that address.

Failures live in the accounts database (``login_failures``), so every accounts instance behind
every gateway counts the same ones. A refused (throttled) attempt is not counted: an attacker who
keeps trying does not extend the lock, and the password is not even checked.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.accounts.models import LoginFailure
from services.common.errors import TooManyRequests

WINDOW = timedelta(minutes=15)
PER_USERNAME = 5
PER_ADDRESS = 30
MESSAGE = "Too many failed logins; try again later."
KEY_LENGTH = 100
ADDRESS_LENGTH = 64


def username_key(username: str) -> str:
    return username.casefold()[:KEY_LENGTH]


def _address(address: str) -> str:
    return address[:ADDRESS_LENGTH]


def _wait(times: list[datetime], limit: int, now: datetime) -> float:
    """Seconds until fewer than `limit` of these failures (oldest first) are in the window."""
    if len(times) < limit:
        return 0.0
    return (times[len(times) - limit] + WINDOW - now).total_seconds()


def check(session: Session, username: str, address: str, now: datetime) -> None:
    """TooManyRequests (with ``retry_after`` seconds) when this login may not be tried now."""
    rows = session.execute(
        select(LoginFailure.failed_at, LoginFailure.username_key)
        .where(LoginFailure.address == _address(address), LoginFailure.failed_at > now - WINDOW)
        .order_by(LoginFailure.failed_at)
    ).all()
    key = username_key(username)
    wait = max(
        _wait([at for at, name in rows if name == key], PER_USERNAME, now),
        _wait([at for at, _ in rows], PER_ADDRESS, now),
    )
    if wait > 0:
        raise TooManyRequests(MESSAGE, extra={"retry_after": max(1, math.ceil(wait))})


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    """Count a failure; failures that left the window are deleted on the way."""
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= now - WINDOW))
    session.add(
        LoginFailure(username_key=username_key(username), address=_address(address), failed_at=now)
    )


def reset(session: Session, username: str, address: str) -> None:
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.address == _address(address),
            LoginFailure.username_key == username_key(username),
        )
    )
