"""The local process runner behind `make run`: migrate, start every process, prefix their output
with the process name, and stop them all on Ctrl-C (or when one of them dies)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import IO

from gateway.health import broker_status
from services.common import config
from setlist.migrate import migrate_all
from setlist.processes import ROOT, Process, plan

STOP_GRACE_SECONDS = 15
_print_lock = threading.Lock()


def say(label: str, line: str) -> None:
    with _print_lock:
        sys.stdout.write(f"{label:<12}| {line}\n")
        sys.stdout.flush()


def _pump(label: str, stream: IO[str]) -> None:
    for line in stream:
        say(label, line.rstrip("\n"))


def start(process: Process) -> subprocess.Popen[str]:
    env = {**os.environ, **process.env, "PYTHONUNBUFFERED": "1",
           "SETLIST_PROCESS": process.label}
    child = subprocess.Popen(process.argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert child.stdout is not None
    threading.Thread(target=_pump, args=(process.label, child.stdout), daemon=True).start()
    return child


def stop(children: dict[str, subprocess.Popen[str]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for label, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say("setlist", f"{label} did not stop in {STOP_GRACE_SECONDS} s; killing it")
            child.kill()
            child.wait()


def run() -> int:
    uri = config.amqp_uri()
    if broker_status(uri, timeout=3) != "ok":
        say("setlist", f"RabbitMQ is not reachable at {uri.split('@')[-1]}: start it with "
                       f"`rabbitmq-server -detached` (or point AMQP_URI at a running broker).")
        return 1
    say("setlist", "applying migrations")
    migrate_all()
    children: dict[str, subprocess.Popen[str]] = {}
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for process in plan():
        children[process.label] = start(process)
        say("setlist", f"started {process.label} (pid {children[process.label].pid})")
    host, port = config.gateway_address()
    say("setlist", f"gateway on http://{host}:{port}/ — Ctrl-C stops everything")
    exit_code = 0
    while not stopping.wait(0.5):
        dead = [(label, child.returncode) for label, child in children.items()
                if child.poll() is not None]
        if dead:
            for label, code in dead:
                say("setlist", f"{label} exited with code {code}; stopping everything")
            exit_code = 1
            break
    say("setlist", "stopping")
    stop(children)
    say("setlist", "stopped")
    return exit_code
