"""The realtime service."""

from __future__ import annotations

from services.common.base import ServiceBase


class RealtimeService(ServiceBase):
    name = "realtime"
