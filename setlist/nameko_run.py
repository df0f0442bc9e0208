"""``python -m setlist.nameko_run run …``: nameko's own command line, minus eventlet's notice, with
the open-files limit raised (a gateway needs a descriptor per websocket)."""

import sys

import setlist  # noqa: F401 - installs the warning filter before nameko imports eventlet
from nameko.cli.main import main

from setlist.limits import raise_open_files

if __name__ == "__main__":
    raise_open_files()
    sys.exit(main())
