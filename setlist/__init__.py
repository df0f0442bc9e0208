"""Tooling around the services: the `setlist` command, migrations and the local process runner."""

import warnings

# eventlet announces its own deprecation on import; nameko 2.14 needs it, and the notice would
# open every process's log
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
