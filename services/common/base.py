"""What every Setlist service class has: the health RPC and per-request log context."""

from __future__ import annotations

from services.common.health import HealthRpc
from services.common.logs import LogContext


class ServiceBase(HealthRpc):
    log_context = LogContext()
