"""Reading a service's domain events in tests: a queue bound to its ``<service>.events`` exchange."""

from __future__ import annotations

import secrets
from typing import Any

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange


class Listener:
    """Every domain event `service` dispatches (``Listener(amqp_uri, "events")``), in order."""

    def __init__(self, amqp_uri: str, service: str = "events") -> None:
        self.connection = Connection(amqp_uri)
        self.queue = Queue(
            f"test-{service}-{secrets.token_hex(4)}",
            exchange=get_event_exchange(service, {}),
            routing_key="#",
            auto_delete=True,
            exclusive=True,
        )
        self.received: list[tuple[str, dict]] = []
        self.consumer = self.connection.Consumer(
            [self.queue], callbacks=[self._on_message], accept=["json"]
        )
        self.consumer.consume()

    def _on_message(self, body: Any, message: Any) -> None:
        self.received.append((message.delivery_info["routing_key"], body))
        message.ack()

    def take(self, count: int) -> list[tuple[str, dict]]:
        """Wait for `count` more events (RPCs return after their dispatch, so they come soon)."""
        while len(self.received) < count:
            self.connection.drain_events(timeout=10)
        taken, self.received = self.received[:count], self.received[count:]
        return taken

    def nothing_more(self) -> bool:
        try:
            self.connection.drain_events(timeout=0.5)
        except TimeoutError:
            return not self.received
        return False
