"""What every Setlist service class has: the health RPC, per-request log context, metrics and the
id of the RPC call a worker handles (for ``@rpc(once=True)``)."""

from __future__ import annotations

from services.common.health import HealthRpc
from services.common.logs import LogContext
from services.common.metrics import Metrics
from services.common.rpc import RpcCallId


class ServiceBase(HealthRpc):
    log_context = LogContext()
    metrics = Metrics()
    rpc_call_id = RpcCallId()
