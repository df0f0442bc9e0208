"""The realtime service."""

from __future__ import annotations

from services.common.health import HealthRpc


class RealtimeService(HealthRpc):
    name = "realtime"
