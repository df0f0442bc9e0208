"""The stack a benchmark starts for itself: its own RabbitMQ vhost and folder, logs at WARNING,
the services' databases as given (SQLite in the folder otherwise); stopped and cleaned up after."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.infrastructure import STARTUP_SECONDS, Stack, create_vhost, delete_vhost


@contextmanager
def gateways_stack(
    gateways: int, databases: dict[str, str] | None = None, settings: dict[str, str] | None = None
) -> Iterator[tuple[Stack, list[str]]]:
    """A started stack with `gateways` gateway processes, each healthy; yields it and their URLs.
    `settings` are environment variables of its own (services/common/config.py)."""
    vhost = f"setlist-bench-{secrets.token_hex(4)}"
    create_vhost(vhost)
    workdir = Path(tempfile.mkdtemp(prefix="setlist-bench-"))
    stack = Stack(
        {
            "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}",
            "SETLIST_VAR": str(workdir),
            "LOG_LEVEL": "WARNING",
            **(databases or {}),
            **(settings or {}),
        },
        workdir / "stack.log",
        extra_env={"GATEWAY_INSTANCES": str(gateways)},
    )
    try:
        stack.start()
        urls = [stack.gateway_url(index) for index in range(gateways)]
        for url in urls:
            stack.wait_healthy(STARTUP_SECONDS, url)
        yield stack, urls
    finally:
        stack.stop()
        delete_vhost(vhost)
