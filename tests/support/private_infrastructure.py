"""A RabbitMQ node and a PostgreSQL cluster that a test starts, breaks and removes on its own.

Chaos tests stop and restart the broker and the database. The machine's shared RabbitMQ
(127.0.0.1:5672) and PostgreSQL (127.0.0.1:5432) serve every other test run on the machine, so
these tests never touch them: each private instance lives in its own temporary folder, listens on
free ports of 127.0.0.1, has its own Erlang cookie, and is removed at the end.

PostgreSQL refuses to run as root; as root, its commands run as the ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.support.infrastructure import create_databases, free_port

COMMAND_SECONDS = 120


def _folder(prefix: str) -> Path:
    # short, under /tmp: PostgreSQL's socket path must stay below ~100 characters
    return Path(tempfile.mkdtemp(prefix=f"setlist-{prefix}-", dir="/tmp"))


def _rabbitmq_scripts() -> Path:
    """The folder of RabbitMQ's own scripts; /usr/sbin's wrappers would switch to the rabbitmq user."""
    packaged = Path("/usr/lib/rabbitmq/bin")
    if packaged.is_dir():
        return packaged
    found = shutil.which("rabbitmq-server")
    if found is None:
        raise RuntimeError("rabbitmq-server is not installed")
    return Path(found).parent


def _postgres_bin() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(Path(path).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path is None:
        raise RuntimeError("PostgreSQL's pg_ctl is not installed")
    return Path(on_path).parent


class PrivateRabbit:
    """``PrivateRabbit().start()``: one RabbitMQ node of its own; ``stop_app``/``start_app`` take
    the broker down and up as a restart would, ``shutdown()`` removes it."""

    def __init__(self) -> None:
        self.folder = _folder("rabbit")
        self.port = free_port()
        self.node = f"setlist-chaos-{secrets.token_hex(4)}@localhost"
        self.scripts = _rabbitmq_scripts()
        home = self.folder / "home"  # its own Erlang cookie, made by the node on first start
        home.mkdir()
        (self.folder / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n"
        )
        (self.folder / "enabled_plugins").write_text("[].\n")
        (self.folder / "rabbitmq-env.conf").write_text(
            ""
        )  # not the machine's, which names its node
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("RABBITMQ_", "ERL_"))
        }
        self.env = {
            **inherited,
            "HOME": str(home),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_CONFIG_FILE": str(self.folder / "rabbitmq.conf"),
            "RABBITMQ_CONF_ENV_FILE": str(self.folder / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.folder / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.folder / "log"),
            "RABBITMQ_PID_FILE": str(self.folder / "rabbit.pid"),
        }

    def amqp_uri(self, vhost: str = "") -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def _run(self, script: str, *args: str) -> str:
        done = subprocess.run(
            [str(self.scripts / script), *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{script} {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def ctl(self, *args: str) -> str:
        return self._run("rabbitmqctl", "-q", "-n", self.node, *args)

    def consumers(self, amqp_uri: str, queue: str) -> int:
        """How many consumers the queue has in the vhost of ``amqp_uri`` (0 if it does not exist)."""
        listed = self.ctl(
            "list_queues",
            "--no-table-headers",
            "-p",
            amqp_uri.rsplit("/", 1)[1],
            "name",
            "consumers",
        )
        return sum(
            int(line.split()[1])
            for line in listed.splitlines()
            if line.split() and line.split()[0] == queue
        )

    def start(self) -> None:
        self._run("rabbitmq-server", "-detached")
        self.ctl("wait", "--timeout", str(COMMAND_SECONDS), self.env["RABBITMQ_PID_FILE"])

    def add_vhost(self, vhost: str) -> str:
        """Creates ``vhost`` for guest; returns its AMQP URI."""
        self.ctl("add_vhost", vhost)
        self.ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return self.amqp_uri(vhost)

    def stop_app(self) -> None:
        """The broker stops: every connection is closed, nothing listens on the port."""
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")

    def shutdown(self) -> None:
        try:
            self.ctl("stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            pid_file = Path(self.env["RABBITMQ_PID_FILE"])
            if pid_file.exists():
                with contextlib.suppress(ValueError, ProcessLookupError):
                    os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivatePostgres:
    """``PrivatePostgres().start()``: one PostgreSQL cluster of its own with trust authentication;
    ``stop()``/``start()`` restart it (stopping ends every connection), ``shutdown()`` removes it."""

    def __init__(self) -> None:
        self.folder = _folder("postgres")
        self.port = free_port()
        self.bin = _postgres_bin()
        self.data = self.folder / "data"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.admin_dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "postgres.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        """Fast shutdown: open connections are ended, new ones refused until ``start()``."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_databases(self, names: dict[str, str]) -> dict[str, str]:
        return create_databases(names, self.admin_dsn)

    def shutdown(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
