"""Process limits. A gateway holds one file descriptor per open websocket, so a soft limit of 1024
open files (a common default) would cap it below a thousand room members."""

from __future__ import annotations

import resource


def raise_open_files() -> int:
    """Raise this process's soft limit on open files to its hard limit (child processes inherit
    it); returns the limit now in force."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard
