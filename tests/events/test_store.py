"""services/events/store.py: events as stored, on the test database (rolled back after each test)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.common.errors import PermissionDenied, ValidationFailed
from services.events import meta_properties, playlists, store, tracks
from services.events.models import Event, EventAccess, MetaValue, Playlist, PlaylistEntry
from tests.support.statements import statements_sent

BASE = {"name": "Conf", "date_from": "2030-01-01T10:00:00Z"}


@pytest.fixture
def session(session_for):
    return session_for("events")


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return session.scalar(query)


def test_create_sets_pretix_defaults_a_playlist_and_revision_one(session):
    event = store.create_event(session, "org-s", {**BASE, "slug": "Conf"}, 7)
    assert (
        event.live,
        event.testmode,
        event.currency,
        event.is_public,
        event.has_subevents,
        event.plugins,
        event.seat_category_mapping,
    ) == (False, False, "EUR", True, False, [], {})
    assert (event.author, event.revision, event.slug_key) == (7, 1, "conf")
    assert event.playlist.id is not None and event.playlist.entries == []


def test_slugs_are_unique_per_organizer_whatever_their_case(session):
    store.create_event(session, "org-s", {**BASE, "slug": "conf"}, None)
    with pytest.raises(ValidationFailed):
        store.create_event(session, "org-s", {**BASE, "slug": "CONF"}, None)
    assert store.create_event(session, "org-t", {**BASE, "slug": "conf"}, None).id


def test_find_event_is_permission_denied_for_unknown_slugs(session):
    store.create_event(session, "org-s", {**BASE, "slug": "conf"}, None)
    assert store.find_event(session, "org-s", "conf").slug == "conf"
    for organizer, slug in (("org-s", "nope"), ("org-x", "conf")):
        with pytest.raises(PermissionDenied):
            store.find_event(session, organizer, slug)


@pytest.mark.parametrize("for_update", [False, True])
def test_find_event_reads_what_its_view_shows_in_one_statement(session, for_update):
    for name in ("Format", "Room"):
        meta_properties.create_property(session, "org-s", {"name": name, "default": ""})
    body = {**BASE, "slug": "conf", "meta_data": {"Format": "Talk", "Room": "A"}}
    playlist_id = store.create_event(session, "org-s", body, None).playlist.id
    session.flush()
    session.expunge_all()
    with statements_sent(session) as sent:
        event = store.find_event(session, "org-s", "conf", for_update)
        assert (event.playlist.id, meta_properties.own_values(event)) == (
            playlist_id,
            {"Format": "Talk", "Room": "A"},
        )
    assert len(sent) == 1


def test_update_bumps_the_revision_and_keeps_what_it_does_not_name(session):
    event = store.create_event(session, "org-s", {**BASE, "slug": "conf", "testmode": True}, None)
    store.update_event(session, event, {"name": {"en": "New", "de": "Neu"}}, partial=True)
    assert (event.name, event.testmode, event.revision) == ({"en": "New", "de": "Neu"}, True, 2)


def test_clone_copies_flags_plugins_own_meta_values_and_tracks(session):
    meta_properties.create_property(session, "org-s", {"name": "Format", "default": "Talk"})
    source = store.create_event(
        session,
        "org-s",
        {
            **BASE,
            "slug": "src",
            "is_public": False,
            "testmode": True,
            "plugins": ["pretix.plugins.paypal"],
            "meta_data": {"Format": "Seminar"},
        },
        None,
    )
    for name in ("a", "b"):
        playlists.add_track(source.playlist, tracks.create_track(session, {"name": name}))
    session.flush()
    copy = store.clone_event(session, source, {**BASE, "slug": "copy"}, 3)
    assert (copy.is_public, copy.testmode, copy.plugins, copy.author) == (
        False,
        True,
        ["pretix.plugins.paypal"],
        3,
    )
    assert meta_properties.own_values(copy) == {"Format": "Seminar"}
    assert [e.track.name for e in copy.playlist.entries] == ["a", "b"]
    assert copy.playlist.id != source.playlist.id
    chosen = store.clone_event(
        session,
        source,
        {**BASE, "slug": "copy2", "is_public": True, "plugins": [], "meta_data": {}},
        None,
    )
    assert (chosen.is_public, chosen.plugins, meta_properties.own_values(chosen)) == (True, [], {})


def test_clone_keeps_the_sources_admission_lead_unless_the_body_sets_one(session):
    source = store.create_event(
        session, "org-s", {**BASE, "slug": "adm", "date_admission": "2030-01-01T09:30:00Z"}, None
    )
    later = {**BASE, "date_from": "2031-06-01T20:00:00Z"}
    copy = store.clone_event(
        session, source, {**later, "slug": "adm2", "date_admission": None}, None
    )
    assert copy.date_admission == copy.date_from - timedelta(minutes=30)
    own = store.clone_event(
        session, source, {**later, "slug": "adm3", "date_admission": "2031-06-01T18:00:00Z"}, None
    )
    assert own.date_admission.hour == 18
    plain = store.create_event(session, "org-s", {**BASE, "slug": "noadm"}, None)
    assert (
        store.clone_event(session, plain, {**BASE, "slug": "noadm2"}, None).date_admission is None
    )


def test_delete_removes_the_playlist_access_list_and_meta_values(session):
    meta_properties.create_property(session, "org-s", {"name": "Format", "default": ""})
    event = store.create_event(
        session, "org-s", {**BASE, "slug": "gone", "meta_data": {"Format": "x"}}, None
    )
    playlists.add_track(event.playlist, tracks.create_track(session, {"name": "t"}))
    event.access.append(EventAccess(user_id=5, mode="guest"))
    session.flush()
    event_id, playlist_id = event.id, event.playlist.id
    store.delete_event(session, event)
    session.expire_all()
    assert session.get(Event, event_id) is None
    assert count(session, Playlist, id=playlist_id) == 0
    assert count(session, PlaylistEntry, playlist_id=playlist_id) == 0
    assert count(session, EventAccess, event_id=event_id) == 0
    assert count(session, MetaValue, event_id=event_id) == 0


def test_a_live_event_is_not_deleted(session):
    event = store.create_event(session, "org-s", {**BASE, "slug": "live"}, None)
    store.update_event(session, event, {"live": True}, partial=True)
    with pytest.raises(PermissionDenied, match="live"):
        store.delete_event(session, event)


def test_datetimes_come_back_in_utc(session):
    event = store.create_event(
        session, "org-s", {**BASE, "slug": "tz", "date_from": "2030-01-01T12:00:00+02:00"}, None
    )
    session.expire_all()
    stored = session.get(Event, event.id).date_from
    assert stored.utcoffset() == timedelta(0) and stored.hour == 10
