"""Idempotency keys on writes (pretix's ``X-Idempotency-Key``), per credential, kept 24 h.

The gateway claims a key before it runs a write and stores the response after; a repeat of the
same request gets the stored response, the same key with another request or a repeat while the
first still runs gets a Conflict. Credentials are the token's SHA-256, never the token.

The store behind `gateway/idempotency_keys.py` (the header's side); not to be confused with
`services/common/redelivery.py`, the records of handled RPC calls (docs/glossary.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.common.database import rowcount, utcnow
from services.common.errors import Conflict
from services.events.models import IdempotencyRecord

KEPT = timedelta(hours=24)
MAX_KEY = 255
IN_FLIGHT = "A request with this idempotency key is still being processed."
OTHER_REQUEST = "This idempotency key was already used for a different request."


def claim(session: Session, credential: str, key: str, fingerprint: str) -> dict[str, Any] | None:
    """None when the caller should run the request (the key is now in flight); the stored
    response ``{"status", "body"}`` for a repeat; Conflict otherwise."""
    key = key[:MAX_KEY]
    purge_expired(session)
    record = session.get(IdempotencyRecord, (credential, key))
    if record is None:
        try:
            with session.begin_nested():
                session.add(
                    IdempotencyRecord(credential=credential, key=key, fingerprint=fingerprint)
                )
        except IntegrityError:
            raise Conflict(IN_FLIGHT) from None
        return None
    if record.fingerprint != fingerprint:
        raise Conflict(OTHER_REQUEST)
    if record.status is None:
        raise Conflict(IN_FLIGHT)
    return {"status": record.status, "body": record.body}


def store(session: Session, credential: str, key: str, status: int, body: str) -> None:
    record = session.get(IdempotencyRecord, (credential, key[:MAX_KEY]))
    if record is not None:
        record.status, record.body = status, body


def release(session: Session, credential: str, key: str) -> None:
    """Forget a claim whose request failed on our side, so that it may be retried."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.credential == credential, IdempotencyRecord.key == key[:MAX_KEY]
        )
    )


def purge_expired(session: Session) -> int:
    return rowcount(
        session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utcnow() - KEPT)
        )
    )
