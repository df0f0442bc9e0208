"""services/events/plugins.py: the registry of plugins an event may enable."""

from services.events import plugins

SEED_PLUGINS = [
    "pretix.plugins.banktransfer",
    "pretix.plugins.stripe",
    "pretix.plugins.paypal",
    "pretix.plugins.ticketoutputpdf",
    "pretix.plugins.pretixdroid",
]


def test_every_plugin_of_the_seed_is_known():
    assert plugins.unknown_plugin(SEED_PLUGINS) is None
    assert plugins.unknown_plugin([]) is None


def test_the_first_unknown_or_restricted_name_is_named():
    assert plugins.unknown_plugin(["pretix.plugins.stripe", "nope", "other"]) == "nope"
    assert plugins.unknown_plugin(["pretix.plugins.restricted"]) == "pretix.plugins.restricted"
    assert not plugins.RESTRICTED & (plugins.AVAILABLE - plugins.RESTRICTED)
