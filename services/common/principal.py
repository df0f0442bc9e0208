"""Who is asking: the identity the gateway resolves from credentials and passes to every RPC."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Principal:
    """A user acting through a user token, or a team acting through a team token.

    Travels over RPC as a plain dict (:meth:`to_dict` / :meth:`from_dict`). It carries identity only;
    permissions are looked up where they are decided, so a change to a team takes effect at once.
    """

    kind: Literal["user", "team"]
    token_id: int
    user_id: int | None = None
    username: str | None = None
    user_uuid: str | None = None
    is_admin: bool = False
    team_id: int | None = None
    organizer: str | None = None
    #: the Jellyfin device: the MediaBrowser header's, else what the token was issued to
    device_id: str | None = None
    client: str | None = None
    device_name: str | None = None
    client_version: str | None = None

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    def to_dict(self) -> dict[str, Any]:
        # its fields are plain values: a copy of them, without asdict's deep copy (every request
        # makes one, and asdict took 16 µs of the gateway's ~400 per progress report)
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Principal:
        return cls(**data)
