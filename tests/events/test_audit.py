"""services/events/audit.py: who changed what, and when."""

from services.common.principal import Principal
from services.events import audit


def test_entries_name_the_actor_and_come_back_in_order(session_for):
    session = session_for("events")
    event_id = 1_999_999_941  # no event of the end-to-end tests, which share the database
    user = Principal(kind="user", token_id=1, user_id=7)
    team = Principal(kind="team", token_id=2, team_id=3, organizer="org-a")
    audit.record(session, user, "event.created", "org-a", event_id, {"slug": "x"})
    audit.record(session, team, "event.deleted", "org-a", event_id)
    session.flush()
    entries = audit.entries_for(session, event_id)
    assert [(e.actor, e.action, e.data) for e in entries] == [
        ("user:7", "event.created", {"slug": "x"}),
        ("team:3", "event.deleted", {}),
    ]
    assert all(entry.at is not None for entry in entries)
