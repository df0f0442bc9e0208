"""Apply every service's migrations (the run command does this before starting anything)."""

from __future__ import annotations

import logging

from services.common import config
from services.common.migrations import upgrade
from setlist.processes import ROOT

log = logging.getLogger("setlist.migrate")


def migrate_all() -> None:
    for service in config.DATABASE_SERVICES:
        log.info("migrating %s", service)
        upgrade(service, ROOT / "services" / service / "migrations")
