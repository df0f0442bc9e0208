"""nameko's RpcProxy with a deadline: a service that does not answer in time is a clean 503.

nameko 2.14's RpcProxy waits for a reply forever; behind a public route that is a hung request.
"""

from __future__ import annotations

from typing import Any

import eventlet
from nameko.constants import NON_PERSISTENT
from nameko.rpc import RpcProxy

from services.common import config
from services.common.errors import ServiceUnavailable

RPC_TIMEOUT = config.RPC_TIMEOUT_SECONDS.value()


class TimedMethod:
    def __init__(self, method: Any, service: str, timeout: float) -> None:
        self.method = method
        self.service = service
        self.timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        unavailable = ServiceUnavailable(f"The {self.service} service did not answer in time.")
        with eventlet.Timeout(self.timeout, unavailable):
            return self.method.call_async(*args, **kwargs).result()

    def call_async(self, *args: Any, **kwargs: Any) -> Any:
        return self.method.call_async(*args, **kwargs)


class TimedServiceProxy:
    def __init__(self, proxy: Any, service: str, timeout: float) -> None:
        self._proxy = proxy
        self._service = service
        self._timeout = timeout

    def __getattr__(self, name: str) -> TimedMethod:
        return TimedMethod(getattr(self._proxy, name), self._service, self._timeout)


class TimedRpcProxy(RpcProxy):
    """``events = TimedRpcProxy("events")``: calls raise ServiceUnavailable after ``RPC_TIMEOUT_SECONDS``."""

    def __init__(self, target_service: str, timeout: float = RPC_TIMEOUT, **options: Any) -> None:
        # a request need not outlive a broker restart: its caller's reply queue does not either,
        # so the call ends in a 503 all the same; transient messages spare the broker its disk
        options.setdefault("delivery_mode", NON_PERSISTENT)
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx: Any) -> TimedServiceProxy:
        return TimedServiceProxy(
            super().get_dependency(worker_ctx), self.target_service, self.timeout
        )
