"""services/events/playlists.py: entries appended, removed and copied, ordered 0..n-1 (the
objects alone; no session needed)."""

import pytest

from services.common.errors import Conflict, NotFound
from services.events import playlists
from services.events.models import Playlist, Track


def track(track_id: int) -> Track:
    return Track(id=track_id, uuid=f"{track_id:032x}", name=f"t{track_id}")


def orders(playlist: Playlist) -> list[tuple[int, int]]:
    return [(entry.order, entry.track.id) for entry in playlist.entries]


def test_add_appends_and_a_track_may_repeat():
    playlist, one, two = Playlist(entries=[]), track(1), track(2)
    for item in (one, two, one):
        playlists.add_track(playlist, item)
    assert orders(playlist) == [(0, 1), (1, 2), (2, 1)]


def test_a_full_playlist_takes_no_more():
    playlist, one = Playlist(entries=[]), track(1)
    for _ in range(playlists.MAX_ENTRIES):
        playlists.add_track(playlist, one)
    with pytest.raises(Conflict, match="Playlist is full"):
        playlists.add_track(playlist, one)
    assert len(playlist.entries) == playlists.MAX_ENTRIES


def test_remove_drops_every_entry_of_the_track_and_renumbers():
    playlist, one, two, three = Playlist(entries=[]), track(1), track(2), track(3)
    for item in (one, two, one, three):
        playlists.add_track(playlist, item)
    for entry in playlist.entries:  # as flushed rows carry them
        entry.track_id = entry.track.id
    playlists.remove_track(playlist, one)
    assert orders(playlist) == [(0, 2), (1, 3)]
    with pytest.raises(NotFound, match="Track not found"):
        playlists.remove_track(playlist, one)


def test_copy_makes_new_entries_in_the_same_order():
    source, target = Playlist(entries=[]), Playlist(entries=[])
    for item in (track(2), track(1)):
        playlists.add_track(source, item)
    playlists.copy_entries(source, target)
    assert orders(target) == orders(source)
    assert not set(map(id, target.entries)) & set(map(id, source.entries))
