"""``python -m setlist.nameko_run run …``: nameko's own command line, minus eventlet's notice."""

import sys

import setlist  # noqa: F401 - installs the warning filter before nameko imports eventlet
from nameko.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
