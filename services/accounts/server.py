"""The server's identity, made once and kept: Jellyfin clients pin a login to its id."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from services.accounts.models import ServerIdentity

SERVER_NAME = "Setlist"
VERSION = "10.9.11"  # the Jellyfin API level we speak; clients compare it, so it must look like one


def server_identity(session: Session) -> dict:
    identity = session.get(ServerIdentity, 1)
    if identity is None:
        identity = ServerIdentity(id=1, server_id=uuid.uuid4().hex, name=SERVER_NAME)
        session.add(identity)
        session.flush()
    return {"id": identity.server_id, "name": identity.name, "version": VERSION}
