"""The events service."""

from __future__ import annotations

from services.common.database import Database
from services.common.health import HealthRpc


class EventsService(HealthRpc):
    name = "events"

    db = Database("events")
