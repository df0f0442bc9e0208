"""The playstate service."""

from __future__ import annotations

from services.common.database import Database
from services.common.base import ServiceBase


class PlaystateService(ServiceBase):
    name = "playstate"

    db = Database("playstate")
