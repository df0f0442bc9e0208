"""A lean RPC client for nameko services: one py-amqp connection, one exclusive reply queue and
one call at a time, speaking nameko's wire format (a JSON ``{"args", "kwargs"}`` body published
to the ``nameko-rpc`` exchange under ``<service>.<method>``, the reply routed back under the
``reply_to`` key). It spends a fraction of what nameko's standalone proxy does per call, so that
a benchmark measures the services and the broker rather than its own client."""

from __future__ import annotations

import itertools
import json
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import uuid4

import amqp

EXCHANGE = "nameko-rpc"


class RpcError(Exception):
    """The service answered with an error."""


class RpcClient:
    def __init__(self, amqp_uri: str, service: str) -> None:
        parts = urlsplit(amqp_uri)
        self.connection = amqp.Connection(
            host=f"{parts.hostname}:{parts.port or 5672}",
            userid=unquote(parts.username or "guest"),
            password=unquote(parts.password or "guest"),
            virtual_host=unquote(parts.path[1:]) or "/",
        )
        self.connection.connect()
        self.channel = self.connection.channel()
        self.service = service
        self.reply_to = f"rpc.reply-bench-{uuid4().hex}"
        self.channel.queue_declare(self.reply_to, exclusive=True, auto_delete=True)
        self.channel.queue_bind(self.reply_to, EXCHANGE, routing_key=self.reply_to)
        self.channel.basic_consume(self.reply_to, no_ack=True, callback=self._replied)
        self.ids = itertools.count()
        self.waiting: str | None = None
        self.reply: dict[str, Any] | None = None

    def _replied(self, message: amqp.Message) -> None:
        if message.properties.get("correlation_id") == self.waiting:
            self.reply = json.loads(message.body)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.waiting, self.reply = f"{self.reply_to}.{next(self.ids)}", None
        request = amqp.Message(
            json.dumps({"args": args, "kwargs": kwargs}),
            content_type="application/json",
            content_encoding="utf-8",
            reply_to=self.reply_to,
            correlation_id=self.waiting,
            delivery_mode=1,
        )
        self.channel.basic_publish(request, EXCHANGE, f"{self.service}.{method}")
        while self.reply is None:
            self.connection.drain_events()
        if self.reply.get("error"):
            raise RpcError(self.reply["error"])
        return self.reply["result"]

    def close(self) -> None:
        self.connection.close()
