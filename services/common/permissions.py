"""What a principal may do in one organizer: the union over its teams there (pretix's model).

Decided by accounts, used by events; both sides need the shape, so it lives here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Permission = Literal["can_create_events", "can_change_event_settings", "can_change_teams"]
PERMISSIONS: tuple[Permission, ...] = (
    "can_create_events",
    "can_change_event_settings",
    "can_change_teams",
)


@dataclass(frozen=True)
class TeamGrant:
    """One team's permissions, limited to some events unless ``all_events``."""

    can_create_events: bool = False
    can_change_event_settings: bool = False
    can_change_teams: bool = False
    all_events: bool = False
    limit_events: tuple[str, ...] = ()

    def covers(self, event: str | None) -> bool:
        return event is None or self.all_events or event in self.limit_events


@dataclass(frozen=True)
class OrganizerPermissions:
    organizer: str
    is_admin: bool = False
    grants: tuple[TeamGrant, ...] = field(default_factory=tuple)

    def has(self, permission: Permission, event: str | None = None) -> bool:
        """Whether some team grants `permission` (on `event`, when one is named)."""
        if self.is_admin:
            return True
        return any(getattr(grant, permission) and grant.covers(event) for grant in self.grants)

    def events_with(self, permission: Permission) -> set[str] | None:
        """Event slugs on which `permission` holds; None means every event of the organizer."""
        if self.is_admin:
            return None
        slugs: set[str] = set()
        for grant in self.grants:
            if getattr(grant, permission):
                if grant.all_events:
                    return None
                slugs.update(grant.limit_events)
        return slugs

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrganizerPermissions:
        grants = tuple(
            TeamGrant(**{**g, "limit_events": tuple(g["limit_events"])}) for g in data["grants"]
        )
        return cls(organizer=data["organizer"], is_admin=data["is_admin"], grants=grants)
