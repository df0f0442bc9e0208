"""The real parts tests run against: a RabbitMQ vhost, PostgreSQL databases, the running stack."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

from setlist.processes import nameko_argv

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_DSN = os.environ.get("SETLIST_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
STARTUP_SECONDS = 90
STOP_SECONDS = 90  # the runner gives gateways, then services, up to 30 s each


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


def create_vhost(vhost: str) -> None:
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")


def delete_vhost(vhost: str) -> None:
    rabbitmqctl("delete_vhost", vhost)


def _pg_admin(*statements: str, dsn: str = PG_ADMIN_DSN) -> None:
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def create_databases(names: dict[str, str], admin_dsn: str = PG_ADMIN_DSN) -> dict[str, str]:
    """service → URL of a new, empty database ``names[service]`` on the server of ``admin_dsn``."""
    base = admin_dsn.rsplit("/", 1)[0]
    for name in names.values():
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"', dsn=admin_dsn)
    return {
        svc: f"{base}/{name}".replace("postgresql://", "postgresql+psycopg2://")
        for svc, name in names.items()
    }


def drop_databases(names: dict[str, str]) -> None:
    _pg_admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names.values()))


def free_port(count: int = 1) -> int:
    """A free port; with `count`, the first of that many consecutive free ports."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if all(_bindable(port + offset) for offset in range(1, count)):
            return port


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Stack:
    """`setlist run` in a subprocess, with its own port and environment; output to a log file."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        extra_env: dict[str, str] | None = None,
        root: Path = ROOT,
    ) -> None:
        """`root`: the source tree to run (another checkout of the project, say)."""
        extra_env = extra_env or {}
        self.root = root
        self.port = free_port(int(extra_env.get("GATEWAY_INSTANCES", "1")))
        self.env = {**os.environ, **env, "GATEWAY_PORT": str(self.port), **extra_env}
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "setlist.cli", "run"]

    def start(self) -> None:
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_healthy(STARTUP_SECONDS)

    def gateway_url(self, index: int) -> str:
        """The `index`-th gateway's URL (with ``GATEWAY_INSTANCES``, on consecutive ports)."""
        return f"http://127.0.0.1:{self.port + index}"

    def wait_healthy(self, seconds: float, url: str | None = None) -> dict:
        """Wait for ``/health`` of the first gateway (or of the one at `url`) to answer 200."""
        url = url or self.url
        deadline = time.monotonic() + seconds
        last = None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"stack exited early:\n{self.log_tail()}")
            try:
                last = requests.get(f"{url}/health", timeout=5)
                if last.status_code == 200:
                    return last.json()
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"stack not healthy in {seconds} s (last: "
            f"{last.text if last is not None else 'no answer'}):\n{self.log_tail()}"
        )

    def wait_for_log(self, text: str, seconds: float) -> None:
        """Waits until a line of the stack's output contains ``text``."""
        deadline = time.monotonic() + seconds
        while text not in self.log_path.read_text(errors="replace"):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no {text!r} in the log within {seconds} s:\n{self.log_tail()}"
                )
            time.sleep(0.2)

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def run_folder(self) -> Path:
        """Where the runner keeps its pid files (``setlist.runner.pid_file``)."""
        return Path(self.env["SETLIST_VAR"]) / "run"

    def pid(self, label: str) -> int | None:
        """The pid of the stack's process ``label`` (``events.2``, ``gateway``), from the runner's
        pid file; None while it has none."""
        try:
            return int((self.run_folder() / f"{label}.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None

    #: how the process is asked to stop: Ctrl-C, as a person at the terminal would
    stop_signal = signal.SIGINT

    def stop(self) -> None:
        """Ask the process to stop (the runner stops every process gracefully); killed when that
        takes longer than STOP_SECONDS."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait()

    def kill(self) -> None:
        """The runner and every process it started (each child has a session of its own)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        for pid_file in self.run_folder().glob("*.pid"):
            pid = self.pid(pid_file.stem)
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def setlist(self, *args: str) -> str:
        """Run the `setlist` command with this stack's environment; returns its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "setlist.cli", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"setlist {' '.join(args)} failed: {done.stderr}")
        return done.stdout.strip()

    def create_user(self, name: str, password: str, admin: bool = False) -> str:
        """Create a user with the admin commands; returns a token of theirs."""
        self.setlist(
            "admin", "create-user", name, f"--password={password}", *(["--admin"] if admin else [])
        )
        return self.setlist("admin", "create-token", name)


class Gateway(Stack):
    """One more gateway for a running stack, as a process of its own (not the runner's child), so
    that a test can stop it (``terminate`` sends SIGTERM, as a rolling restart does) and start it
    again on the same port."""

    def __init__(self, stack: Stack, log_path: Path) -> None:
        super().__init__(stack.env, log_path, root=stack.root)
        self.env["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{self.port}"
        self.env["SETLIST_PROCESS"] = "gateway.extra"

    def command(self) -> list[str]:
        return nameko_argv("gateway")

    def terminate(self) -> int:
        """SIGTERM, and the exit code once the process has stopped by itself."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    #: as a rolling restart stops a gateway
    stop_signal = signal.SIGTERM

    def kill(self) -> None:
        """Only this process: the pid files in its run folder are the stack's."""
        assert self.process is not None
        self.process.kill()
