"""``python -m setlist.nameko_run run …``: nameko's own command line, minus eventlet's notice, with
the open-files limit raised (a gateway needs a descriptor per websocket), and saying in the log when
a process stops and how many workers it lets finish first.

On SIGTERM (or Ctrl-C) nameko stops its entrypoints, so no new message or request is taken, waits
for the running workers, then stops its dependencies; the runner that sent the signal kills the
process if that takes longer than its grace period.
"""

import setlist  # noqa: F401 - installs the warning filter before nameko imports eventlet

# isort: split
import eventlet

# before anything imports kombu: its retry loop binds `time.sleep` on import, and an unpatched
# sleep would block every green thread while a connection to the broker is being retried
eventlet.monkey_patch()

import gc  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402

import nameko.cli.run  # noqa: E402
from nameko.cli.main import main  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from services.common import amqp_pools  # noqa: E402
from setlist.limits import raise_open_files  # noqa: E402

log = logging.getLogger("setlist.shutdown")

# a log record need not find its caller's frame, thread or process: the formatter writes none of
# them (the logging HOWTO's "Optimization"; a gateway writes one access line per request)
logging._srcfile = None
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False


class AnnouncingServiceRunner(ServiceRunner):
    def start(self) -> None:
        super().start()
        # what start-up built lives as long as the process: out of the collector's generations,
        # so that collections no longer walk it (and copy-on-write pages stay shared)
        gc.collect()
        gc.freeze()

    stopping = False

    def stop(self) -> None:
        if self.stopping:  # a second SIGTERM: the first stop is under way
            log.info("already stopping")
            return
        self.stopping = True
        in_flight = sum(len(container._worker_threads) for container in self.containers)
        log.info("stopping: taking no new work, letting %d in-flight workers finish", in_flight)
        super().stop()
        log.info("stopped")


nameko.cli.run.ServiceRunner = AnnouncingServiceRunner  # the class nameko's `run` instantiates
amqp_pools.install()  # publishers find their pool without a new kombu Connection per message

if __name__ == "__main__":
    raise_open_files()
    sys.exit(main())
