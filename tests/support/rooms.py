"""A websocket client of the event room for end-to-end tests (the `websockets` sync client)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from gateway.reference import frame_schema

RECV_SECONDS = 20
#: every frame a test receives must be one the AsyncAPI document (/asyncapi.json) describes
SERVER_FRAME = Draft202012Validator(frame_schema("ServerFrame"))


def room_url(base_url: str, event_id: int, query: str = "") -> str:
    host = urlsplit(base_url).netloc
    return f"ws://{host}/ws/event/{event_id}/" + (f"?{query}" if query else "")


class RoomClient:
    """``RoomClient(stack.url, event_id, token)``: sends ``Authorization: Bearer <token>`` unless
    other `headers` or a `query` are given; `options` go to websockets' ``connect``."""

    def __init__(
        self,
        base_url: str,
        event_id: int,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        query: str = "",
        **options: Any,
    ) -> None:
        if headers is None:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.ws: ClientConnection = connect(
            room_url(base_url, event_id, query),
            additional_headers=headers,
            open_timeout=30,
            **options,
        )

    def __enter__(self) -> RoomClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def send(self, event: str, payload: Any = None, request_id: Any = None, **extra: Any) -> None:
        frame: dict[str, Any] = {"event": event}
        if payload is not None:
            frame["payload"] = payload
        if request_id is not None:
            frame["request_id"] = request_id
        self.send_raw(json.dumps({**frame, **extra}))

    def send_raw(self, text: str) -> None:
        self.ws.send(text)

    def recv(self) -> dict:
        """The next frame, checked against the room's AsyncAPI document."""
        frame = json.loads(self.ws.recv(timeout=RECV_SECONDS))
        SERVER_FRAME.validate(frame)
        return frame

    def wait_for(self, event: str, matches: Callable[[dict], bool] = lambda payload: True) -> dict:
        """The payload of the next `event` message that `matches`; earlier messages are skipped."""
        while True:
            message = self.recv()
            if message.get("event") == event and matches(message.get("payload", {})):
                return message["payload"]

    def answer(self, request_id: Any) -> dict:
        """The next frame answering `request_id`: the sender's copy of the room message its
        request caused, or its error; frames for everyone else are skipped."""
        while True:
            message = self.recv()
            if message.get("request_id") == request_id:
                return message

    def recv_many(self, count: int) -> list[dict]:
        return [self.recv() for _ in range(count)]

    def closed_with(self) -> int | None:
        """Read until the server closes the socket; its close code."""
        try:
            while True:
                self.ws.recv(timeout=RECV_SECONDS)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None

    def close(self) -> None:
        self.ws.close()


def new_event(author_api: Any, organizer: str, slug: str, **fields: Any) -> int:
    """An event of `organizer` made by the caller behind `author_api`; returns its id."""
    created = author_api.post(
        f"/api/v1/organizers/{organizer}/events/",
        {
            "name": slug,
            "slug": slug,
            "date_from": "2030-01-01T10:00:00Z",
            "is_public": False,
            **fields,
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


def username(caller: Any) -> str:
    return caller.api.get("/users/me").json()["Name"]
