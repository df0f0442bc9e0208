"""Records of handled RPC calls, so that a redelivered request is answered, not run again.

nameko acknowledges an RPC request only after it has replied. A worker that committed its write but
whose instance died, or whose broker connection dropped, before the acknowledgement leaves the
message to be delivered again — to this instance or another one. The caller's proxy gives every
call a fresh ``correlation_id`` (a uuid) and a redelivered message keeps it, so that id names the
call. A write entrypoint (``@rpc(once=True)``) records the call id with its reply in the write's
own transaction, or with its expected error in a transaction of its own after the rollback, and a
call whose id is already recorded gets the recorded answer without running.

Each service owns the table, in its own database: its models add :func:`call_records` to their
metadata and a migration of its own creates it (:func:`create_table`, :func:`drop_table`).
Records are kept for :data:`KEPT`; older ones are deleted now and then by the writes themselves
(:func:`purge_now_and_then`).

This is about the broker delivering one RPC message twice; a client repeating an HTTP request with
an ``Idempotency-Key`` is `gateway/idempotency_keys.py` (docs/glossary.md).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from kombu.utils import json as kombu_json
from nameko.exceptions import deserialize, serialize
from sqlalchemy import (
    JSON,
    Column,
    MetaData,
    PrimaryKeyConstraint,
    Row,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.orm import Session

from services.common.database import UTCDateTime, rowcount, utcnow

KEPT = timedelta(hours=1)
#: at most one purge per process and database in this many seconds
PURGE_EVERY_SECONDS = 60.0

_purged_at: dict[str, float] = {}


def call_records(metadata: MetaData) -> Table:
    """The table of handled calls, added to a service's `metadata`."""
    return Table(
        "rpc_calls",
        metadata,
        Column("call_id", String(64), primary_key=True),
        Column("method", String(100), nullable=False),
        Column("at", UTCDateTime(), nullable=False, index=True),
        #: the reply (JSON null for None), or null when the call ended in an error
        Column("reply", JSON, nullable=True),
        #: nameko's serialised form of the expected error, or null
        Column("error", JSON, nullable=True),
    )


#: the shape every service's table has; the queries below use it
CALLS = call_records(MetaData())


def create_table(op: Any) -> None:
    """The migration step that creates the table, in the shape its first migration gave it."""
    op.create_table(
        "rpc_calls",
        Column("call_id", String(length=64), nullable=False),
        Column("method", String(length=100), nullable=False),
        Column("at", UTCDateTime(timezone=True), nullable=False),
        Column("reply", JSON(), nullable=True),
        Column("error", JSON(), nullable=True),
        PrimaryKeyConstraint("call_id"),
    )
    with op.batch_alter_table("rpc_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rpc_calls_at"), ["at"], unique=False)


def drop_table(op: Any) -> None:
    with op.batch_alter_table("rpc_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rpc_calls_at"))
    op.drop_table("rpc_calls")


def recorded(session: Session, call_id: str) -> Row[Any, Any] | None:
    return session.execute(
        select(CALLS.c.reply, CALLS.c.error).where(CALLS.c.call_id == call_id)
    ).first()


def replay(record: Row[Any, Any]) -> Any:
    """The recorded reply, or raise the recorded error (as the same class)."""
    if record.error is not None:
        raise deserialize(record.error)
    return record.reply


def record_reply(session: Session, call_id: str, method: str, reply: Any) -> None:
    """Records `reply` as nameko's serializer (kombu's JSON) sends it: a datetime, a UUID… as the
    tagged objects that the caller's side turns back into them."""
    sent = json.loads(kombu_json.dumps(reply))
    session.execute(
        insert(CALLS).values(call_id=call_id, method=method, at=utcnow(), reply=sent, error=None)
    )


def record_error(session: Session, call_id: str, method: str, error: Exception) -> None:
    session.execute(
        insert(CALLS).values(
            call_id=call_id, method=method, at=utcnow(), reply=None, error=serialize(error)
        )
    )


def purge_expired(session: Session) -> int:
    return rowcount(session.execute(delete(CALLS).where(CALLS.c.at < utcnow() - KEPT)))


def purge_now_and_then(session: Session) -> None:
    """Delete expired records, at most once every :data:`PURGE_EVERY_SECONDS` per database."""
    database = str(session.get_bind().engine.url)
    now = time.monotonic()
    if now - _purged_at.get(database, float("-inf")) >= PURGE_EVERY_SECONDS:
        _purged_at[database] = now
        purge_expired(session)
