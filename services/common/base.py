"""What every Setlist service class has: the health RPC, per-request log context and metrics."""

from __future__ import annotations

from services.common.health import HealthRpc
from services.common.logs import LogContext
from services.common.metrics import Metrics


class ServiceBase(HealthRpc):
    log_context = LogContext()
    metrics = Metrics()
