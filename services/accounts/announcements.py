"""Domain events of accounts, dispatched once the write is committed, as ``accounts`` by both
services of the accounts process (``accounts`` and ``accounts_login``), so listeners have one
source to subscribe to."""

from __future__ import annotations

from nameko.events import get_event_exchange
from nameko.messaging import Publisher
from sqlalchemy.orm import Session

from services.accounts import teams
from services.common import announcements

SOURCE = "accounts"


class Announcer(announcements.Announcer):
    """The accounts process's domain events of one worker."""

    def tokens_revoked(self, db: Session, token_hashes: list[str]) -> None:
        """``token_revoked``: every gateway forgets these tokens (none: nothing is said)."""
        if token_hashes:
            self.announce(db, "token_revoked", {"token_hashes": token_hashes})

    def user_changed(self, db: Session, user_id: int) -> None:
        """``user_changed``: the user's record changed (a login sets its last login), so every
        gateway forgets the copy it keeps for ``GET /Users/Me``."""
        self.announce(db, "user_changed", {"user_ids": [user_id]})

    def permissions_changed(
        self, db: Session, organizer: str, team: teams.Team, user_ids: list[int] | None = None
    ) -> None:
        """``permissions_changed``: the permissions of these users (default: the team's members)
        and of the team's tokens in `organizer` changed, so every gateway re-checks their room
        sockets and drops what it cached (docs/realtime.md)."""
        if user_ids is None:
            user_ids = [user.id for user in teams.members(db, team)]
        self.announce(
            db,
            "permissions_changed",
            {"organizer": organizer, "team_id": team.id, "user_ids": user_ids},
        )


class Announcements(announcements.Announcements):
    """``announce = Announcements()``: dispatches as ``accounts`` whichever service it serves."""

    announcer = Announcer

    def setup(self) -> None:
        self.exchange = get_event_exchange(SOURCE, self.container.config)
        self.declare.append(self.exchange)
        Publisher.setup(self)
