"""The audit log: who changed what, and when — one row per write, and one log line."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.principal import Principal
from services.events.models import AuditEntry

log = logging.getLogger("events.audit")


def actor(principal: Principal) -> str:
    return f"user:{principal.user_id}" if principal.is_user else f"team:{principal.team_id}"


def record(
    session: Session,
    principal: Principal,
    action: str,
    organizer: str | None,
    event_id: int | None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor(principal),
        action=action,
        organizer=organizer,
        event_id=event_id,
        data=data or {},
    )
    session.add(entry)
    log.info(
        "audit %s %s organizer=%s event=%s %s", entry.actor, action, organizer, event_id, data or {}
    )
    return entry


def entries_for(session: Session, event_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
        )
    )
