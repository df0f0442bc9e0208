"""The ``health`` RPC every service answers; the gateway's ``GET /health`` calls it on each."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.common.database import database_status
from services.common.rpc import rpc


class HealthRpc:
    """Mixin for a service class. A service with a ``db`` session also reports its database.

    The session connects lazily, so a database that is down gives "down: …" instead of failing
    the call.
    """

    @rpc
    def health(self) -> dict[str, str]:
        report = {"service": "ok"}
        session = getattr(self, "db", None)
        if isinstance(session, Session):
            report["database"] = database_status(session.get_bind().engine)
        return report
