"""The plugin registry: which pretix plugin names an event may enable."""

from __future__ import annotations

#: every plugin the seed's examples use, and a few more of pretix's own
AVAILABLE: frozenset[str] = frozenset(
    {
        "pretix.plugins.banktransfer",
        "pretix.plugins.stripe",
        "pretix.plugins.paypal",
        "pretix.plugins.ticketoutputpdf",
        "pretix.plugins.pretixdroid",
        "pretix.plugins.sendmail",
        "pretix.plugins.statistics",
        "pretix.plugins.reports",
        "pretix.plugins.checkinlists",
        "pretix.plugins.badges",
        "pretix.plugins.manualpayment",
        "pretix.plugins.returnurl",
        "pretix.plugins.webcheckin",
    }
)
#: installed but not to be enabled through the API (pretix's ``restricted`` plugins)
RESTRICTED: frozenset[str] = frozenset({"pretix.plugins.restricted"})


def unknown_plugin(names: list[str]) -> str | None:
    """The first name that may not be enabled through the API, if any."""
    return next((name for name in names if name not in AVAILABLE or name in RESTRICTED), None)
