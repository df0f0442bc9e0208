"""Playstate as a Jellyfin client sees it, for end-to-end tests: listeners (users with their GUIDs),
catalogue tracks, ticks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from tests.support.client import Api

TICKS = 10_000_000  # per second


@dataclass
class JellyfinUser:
    """A user as a Jellyfin client sees them: token, GUID (32 hex) and an Api."""

    api: Api
    token: str
    id: str
    name: str

    @property
    def dashed(self) -> str:
        return dashed(self.id)


def dashed(guid: str) -> str:
    return f"{guid[:8]}-{guid[8:12]}-{guid[12:16]}-{guid[16:20]}-{guid[20:]}"


def new_listener(
    stack: Any, prefix: str = "listener", admin: bool = False, headers: dict[str, str] | None = None
) -> JellyfinUser:
    name = f"{prefix}-{secrets.token_hex(4)}"
    token = stack.create_user(name, "pw-" + name, admin=admin)
    api = Api(stack.url, token, headers)
    return JellyfinUser(api, token, api.get("/Users/Me").json()["Id"], name)


def new_track(admin: Api, seconds: int | None, resumable: bool) -> str:
    """A catalogue track; returns its GUID (32 hex)."""
    response = admin.post(
        "/api/v1/tracks/",
        {"name": f"track-{secrets.token_hex(3)}", "duration": seconds, "resumable": resumable},
    )
    assert response.status_code == 201, response.text
    return response.json()["uuid"]
