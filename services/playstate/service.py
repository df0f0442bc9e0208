"""The playstate service."""

from __future__ import annotations

from services.common.database import Database
from services.common.health import HealthRpc


class PlaystateService(HealthRpc):
    name = "playstate"

    db = Database("playstate")
