"""Make what bench/events.py needs on a real pretix: a fresh organizer with every available plugin
of organizer or hybrid level enabled (pretix 2026 refuses an event plugin that its organizer has not
enabled), a team with every permission on all events, and an API token of that team. Prints
``<organizer> <token>``.

Runs with pretix's own interpreter and configuration (``bench/pretix.sh setup`` calls it):

    PRETIX_CONFIG_FILE=bench/.pretix/pretix.cfg bench/.pretix-venv/bin/python bench/pretix_setup.py
"""

import os
import secrets

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
django.setup()

from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import Organizer, Team  # noqa: E402
from pretix.base.plugins import PLUGIN_LEVEL_EVENT  # noqa: E402


def main() -> None:
    with scopes_disabled():
        slug = f"bench-{secrets.token_hex(4)}"
        organizer = Organizer.objects.create(name=slug, slug=slug)
        available = organizer.get_available_plugins()
        organizer.set_active_plugins(
            sorted(
                name
                for name, plugin in available.items()
                if getattr(plugin, "level", PLUGIN_LEVEL_EVENT) != PLUGIN_LEVEL_EVENT
            )
        )
        organizer.save()
        team = Team.objects.create(
            organizer=organizer,
            name="bench",
            all_events=True,
            all_event_permissions=True,
            all_organizer_permissions=True,
        )
        token = team.tokens.create(name="bench")
        print(organizer.slug, token.token)


if __name__ == "__main__":
    main()
