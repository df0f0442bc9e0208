"""Each event's playlist: append and remove catalogue tracks, entries ordered 0..n-1."""

from __future__ import annotations

from services.common.errors import Conflict, NotFound
from services.events.models import Playlist, PlaylistEntry, Track


def _renumber(playlist: Playlist) -> None:
    for order, entry in enumerate(playlist.entries):
        entry.order = order


#: entries a playlist holds at most (API.md §4)
MAX_ENTRIES = 1000


def add_track(playlist: Playlist, track: Track) -> PlaylistEntry:
    """Appends `track`; Conflict("Playlist is full") at :data:`MAX_ENTRIES`."""
    if len(playlist.entries) >= MAX_ENTRIES:
        raise Conflict("Playlist is full")
    entry = PlaylistEntry(track=track, order=len(playlist.entries))
    playlist.entries.append(entry)
    return entry


def remove_track(playlist: Playlist, track: Track) -> None:
    """Removes every entry of `track`; NotFound("Track not found") when it holds none."""
    keep = [entry for entry in playlist.entries if entry.track_id != track.id]
    if len(keep) == len(playlist.entries):
        raise NotFound("Track not found")
    playlist.entries = keep
    _renumber(playlist)


def copy_entries(source: Playlist, target: Playlist) -> None:
    target.entries = [
        PlaylistEntry(track=entry.track, order=order) for order, entry in enumerate(source.entries)
    ]
