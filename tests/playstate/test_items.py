"""The item lookup a playstate worker gets: catalogue tracks as Items, through the cache."""

from types import SimpleNamespace

from services.playstate.items import Items
from services.playstate.rules import Item

GUID = "a" * 32


def test_the_lookup_uses_the_events_proxy_injected_after_it():
    service = SimpleNamespace(events=None)  # not injected yet when the lookup is made
    provider = Items()
    provider.setup()
    lookup = provider.get_dependency(SimpleNamespace(service=service))
    track = {"id": 3, "uuid": GUID, "name": "Song", "artist": "Band", "duration": 1, "resumable": 0}
    service.events = SimpleNamespace(get_track=lambda ref: track)
    assert lookup(GUID) == Item(GUID, 10_000_000, False, name="Song", artist="Band", track=3)
    assert lookup.if_known(GUID) == lookup(GUID)
