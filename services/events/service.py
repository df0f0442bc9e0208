"""The events service."""

from __future__ import annotations

from services.common.database import Database
from services.common.base import ServiceBase


class EventsService(ServiceBase):
    name = "events"

    db = Database("events")
