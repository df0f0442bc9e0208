"""A websocket client of an event room (API.md §4), as the end-to-end tests use it."""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import quote

from websockets.sync.client import connect

WAIT_SECONDS = 30


def room_url(base_url: str, event_id: int, token: str) -> str:
    return base_url.replace("http", "ws", 1) + f"/ws/event/{event_id}/?token={quote(token)}"


class RoomClient:
    """``RoomClient(stack.url, event_id, token)``: one socket in one room."""

    def __init__(self, base_url: str, event_id: int, token: str) -> None:
        self.socket = connect(room_url(base_url, event_id, token), open_timeout=WAIT_SECONDS,
                              close_timeout=5)

    def send(self, event: str, payload: dict | None = None, **extra: Any) -> None:
        self.socket.send(json.dumps({"event": event, "payload": payload or {}, **extra}))

    def receive(self, timeout: float = WAIT_SECONDS) -> dict:
        return json.loads(self.socket.recv(timeout=timeout))

    def wait_for(self, event: str, matches: Callable[[dict], bool] = lambda payload: True,
                 timeout: float = WAIT_SECONDS) -> dict:
        """The payload of the next `event` message that `matches`; earlier messages are skipped."""
        while True:
            message = self.receive(timeout)
            if message.get("event") == event and matches(message.get("payload", {})):
                return message["payload"]

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> "RoomClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
