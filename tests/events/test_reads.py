"""services/events/reads.py: an event as the REST API shows it, read straight from rows (the
test database, rolled back after each test)."""

import pytest

from services.common.errors import PermissionDenied
from services.events import announcements, filters, meta_properties, reads, store
from tests.support.statements import statements_sent

BASE = {"name": {"en": "Conf", "de": "Konf"}, "date_from": "2030-01-01T10:00:00Z"}


@pytest.fixture
def session(session_for):
    return session_for("events")


@pytest.mark.parametrize(
    "own",
    [{}, {"Format": "Seminar"}, {"Format": "Seminar", "Room": "A", "Track": "ü"}],
)
def test_an_event_reads_as_the_orm_shows_it_in_two_statements(session, own):
    for name, default in (("Format", "Talk"), ("Room", ""), ("Track", "main")):
        meta_properties.create_property(session, "org-r", {"name": name, "default": default})
    meta_properties.create_property(session, "org-other", {"name": "Elsewhere"})
    body = {
        **BASE,
        "slug": "conf",
        "is_public": False,
        "plugins": ["pretix.plugins.banktransfer"],
        "geo_lat": 52.5,
        "meta_data": own,
    }
    shown = announcements.view(session, store.create_event(session, "org-r", body, 4))
    session.flush()
    with statements_sent(session) as sent:
        assert reads.event(session.connection(), "org-r", "conf") == shown
    assert len(sent) == 2


def test_an_unknown_event_is_permission_denied_as_pretix_says(session):
    store.create_event(session, "org-r", {**BASE, "slug": "conf"}, None)
    session.flush()
    for organizer, slug in (("org-r", "nope"), ("org-x", "conf"), ("org-r", "CONF")):
        with pytest.raises(PermissionDenied):
            reads.event(session.connection(), organizer, slug)


def test_a_page_counts_all_and_shows_one_page_limited_to_slugs(session):
    for number in range(5):
        store.create_event(session, "org-l", {**BASE, "slug": f"e{number}"}, None)
    session.flush()
    everything = filters.parse_filters({})
    total, page = reads.page(session.connection(), "org-l", None, everything, 1, 2)
    assert (total, [e["slug"] for e in page]) == (5, ["e1", "e2"])
    total, page = reads.page(session.connection(), "org-l", {"e4", "e0", "x"}, everything, 0, 50)
    assert (total, [e["slug"] for e in page]) == (2, ["e0", "e4"])
    assert reads.page(session.connection(), "org-none", None, everything, 0, 50) == (0, [])


def test_a_page_shows_each_event_as_the_orm_does_in_four_statements(session):
    meta_properties.create_property(session, "org-l", {"name": "Format", "default": "Talk"})
    meta_properties.create_property(session, "org-l", {"name": "Room"})
    own = [{}, {"Format": "Seminar"}, {"Room": "B"}, {"Format": "Panel", "Room": "C"}]
    shown = [
        announcements.view(
            session,
            store.create_event(session, "org-l", {**BASE, "slug": f"e{n}", "meta_data": m}, n),
        )
        for n, m in enumerate(own)
    ]
    session.flush()
    everything = filters.parse_filters({})
    with statements_sent(session) as sent:
        assert reads.page(session.connection(), "org-l", None, everything, 0, 50) == (4, shown)
    assert len(sent) == 4  # properties, count, page, own values
    by_attribute = filters.parse_filters({"attr[Format]": "Talk", "ordering": "-slug"})
    total, page = reads.page(session.connection(), "org-l", None, by_attribute, 0, 50)
    assert (total, page) == (2, [shown[2], shown[0]])
