"""The local process runner behind `make run`: migrate, start every process, prefix their output
with the process name, restart a process that dies, and stop them all gracefully on Ctrl-C/SIGTERM.

- Each process's pid is in ``$SETLIST_VAR/run/<label>.pid`` while it runs.
- A process that exits by itself is started again, as compose's ``restart: unless-stopped`` or a
  Kubernetes Deployment would; one that dies within ``CRASH_SECONDS`` of its start
  ``CRASH_LIMIT`` times in a row is broken, not unlucky, and stops everything (exit code 1).
- Stopping sends SIGTERM to the gateways first (no new requests come in; their in-flight requests
  still reach the services), then to the services. nameko stops consuming on SIGTERM and waits for
  its running workers; a process still running after ``STOP_GRACE_SECONDS`` is killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from gateway.health import broker_status
from services.common import config
from setlist.migrate import migrate_all
from setlist.processes import ROOT, Process, plan

STOP_GRACE_SECONDS = config.STOP_GRACE_SECONDS.value()
CRASH_SECONDS = 10.0
CRASH_LIMIT = 3
_print_lock = threading.Lock()


def say(label: str, line: str) -> None:
    with _print_lock:
        sys.stdout.write(f"{label:<12}| {line}\n")
        sys.stdout.flush()


def _pump(label: str, stream: IO[str]) -> None:
    for line in stream:
        say(label, line.rstrip("\n"))


def pid_file(label: str) -> Path:
    """Where the runner keeps the pid of the process ``label`` while it runs."""
    return config.var_dir() / "run" / f"{label}.pid"


class Child:
    """One process of the plan: its current OS process, and how often it died young in a row."""

    def __init__(self, process: Process) -> None:
        self.process = process
        self.quick_deaths = 0
        self.popen = self.spawn()

    @property
    def label(self) -> str:
        return self.process.label

    def spawn(self) -> subprocess.Popen[str]:
        # PGAPPNAME: PostgreSQL's pg_stat_activity names the process behind each connection
        env = {
            **os.environ,
            **self.process.env,
            "PYTHONUNBUFFERED": "1",
            "SETLIST_PROCESS": self.label,
            "PGAPPNAME": self.label,
        }
        child = subprocess.Popen(
            self.process.argv,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert child.stdout is not None
        threading.Thread(target=_pump, args=(self.label, child.stdout), daemon=True).start()
        self.started = time.monotonic()
        pid_file(self.label).write_text(f"{child.pid}\n")
        say("setlist", f"started {self.label} (pid {child.pid})")
        return child

    def restart_if_dead(self) -> bool:
        """Starts the process again if it has exited; False when it keeps dying young."""
        code = self.popen.poll()
        if code is None:
            return True
        young = time.monotonic() - self.started < CRASH_SECONDS
        self.quick_deaths = self.quick_deaths + 1 if young else 0
        if self.quick_deaths >= CRASH_LIMIT:
            say(
                "setlist",
                f"{self.label} exited with code {code} {CRASH_LIMIT} times within "
                f"{CRASH_SECONDS:.0f} s of starting",
            )
            return False
        say(
            "setlist",
            f"{self.label} (pid {self.popen.pid}) exited with code {code}; starting it again",
        )
        self.popen = self.spawn()
        return True

    def terminate(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> None:
        try:
            self.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say("setlist", f"{self.label} did not stop in {STOP_GRACE_SECONDS:.0f} s; killing it")
            self.popen.kill()
            self.popen.wait()
        pid_file(self.label).unlink(missing_ok=True)


def stop_group(children: list[Child], what: str) -> None:
    """SIGTERM to each, then wait for all of them for at most STOP_GRACE_SECONDS."""
    if not children:
        return
    say(
        "setlist",
        f"stopping {what} ({', '.join(c.label for c in children)}): SIGTERM, "
        f"in-flight work has up to {STOP_GRACE_SECONDS:.0f} s to finish",
    )
    for child in children:
        child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        child.wait_or_kill(deadline)


def stop(children: list[Child]) -> None:
    gateways = [child for child in children if child.label.split(".")[0] == "gateway"]
    stop_group(gateways, "the gateways")
    stop_group([child for child in children if child not in gateways], "the services")


def run() -> int:
    uri = config.amqp_uri()
    if broker_status(uri, timeout=3) != "ok":
        say(
            "setlist",
            f"RabbitMQ is not reachable at {uri.split('@')[-1]}: start it with "
            f"`rabbitmq-server -detached` (or point AMQP_URI at a running broker).",
        )
        return 1
    say("setlist", "applying migrations")
    migrate_all()
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    pid_file("setlist").parent.mkdir(parents=True, exist_ok=True)
    children = [Child(process) for process in plan()]
    host, port = config.gateway_address()
    say("setlist", f"gateway on http://{host}:{port}/ — Ctrl-C stops everything")
    exit_code = 0
    while not stopping.wait(0.5):
        if not all([child.restart_if_dead() for child in children]):
            exit_code = 1
            break
    say("setlist", "stopping")
    stop(children)
    say("setlist", "stopped")
    return exit_code
