"""Running a room entrypoint's method in a nameko worker from a socket's green thread."""

from __future__ import annotations

from typing import Any

from eventlet.event import Event
from nameko.extensions import Entrypoint


def call_worker(entrypoint: Entrypoint, args: tuple[Any, ...], context_data: dict[str, Any]) -> Any:
    """Run the entrypoint's method in a nameko worker and wait for its result (or exception)."""
    done = Event()

    def handle_result(worker_ctx: Any, result: Any, exc_info: Any) -> tuple[Any, Any]:
        done.send(result, exc_info)
        return result, exc_info

    entrypoint.container.spawn_worker(
        entrypoint, args, {}, context_data=context_data, handle_result=handle_result
    )
    return done.wait()
