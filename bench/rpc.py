"""Round-trip latency (p50/p99) and throughput of a trivial RPC through RabbitMQ, and of
``GET /Users/Me`` through the gateway.

It starts its own stack (as `make run` does: SQLite, the local RabbitMQ, in a vhost of its own) and
stops it afterwards. Run from the project root:

    .venv/bin/python bench/rpc.py [--requests 2000] [--concurrency 1 16]
"""

from __future__ import annotations

import setlist  # noqa: F401 - quiets eventlet's deprecation notice

# isort: split
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import functools  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.lean import Connection, CpuMeter, cpu_cell  # noqa: E402
from bench.lean_amqp import RpcClient  # noqa: E402
from bench.results import run, write_section  # noqa: E402
from tests.support.infrastructure import Stack, create_vhost, delete_vhost  # noqa: E402

COMMAND = "python bench/rpc.py"


def rpc_clients(amqp_uri: str, count: int) -> tuple[list[RpcClient], list[Callable[[], object]]]:
    clients = [RpcClient(amqp_uri, "realtime") for _ in range(count)]
    return clients, [functools.partial(client.call, "health") for client in clients]


def http_clients(url: str, token: str, count: int) -> list[Callable[[], object]]:
    def client() -> Callable[[], object]:
        connection = Connection(url, {"Authorization": f"Token {token}"})
        return lambda: connection.expect(200, "GET", "/Users/Me")

    return [client() for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    args = parser.parse_args()
    command = f"{COMMAND} --requests {args.requests} --concurrency " + " ".join(
        map(str, args.concurrency)
    )
    print(f"Command: {command}", flush=True)

    vhost = f"setlist-bench-{secrets.token_hex(4)}"
    create_vhost(vhost)
    workdir = Path(tempfile.mkdtemp(prefix="setlist-bench-"))
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    stack = Stack({"AMQP_URI": amqp_uri, "SETLIST_VAR": str(workdir)}, workdir / "stack.log")
    rows = []
    try:
        stack.start()
        token = stack.create_user("bench", "bench-password")
        meter = CpuMeter(stack.run_folder())
        for concurrency in args.concurrency:
            clients, calls = rpc_clients(amqp_uri, concurrency)
            try:
                rows.append(
                    (
                        "RPC `realtime.health` (RabbitMQ, lean client)",
                        concurrency,
                        run(calls, args.requests, meter),
                    )
                )
            finally:
                for client in clients:
                    client.close()
            rows.append(
                (
                    "HTTP `GET /Users/Me` (gateway; the record cached, accounts asked once)",
                    concurrency,
                    run(http_clients(stack.url, token, concurrency), args.requests, meter),
                )
            )
    finally:
        stack.stop()
        delete_vhost(vhost)

    lines = [
        "## RPC and gateway round trips (`bench/rpc.py`)",
        "",
        f"Command: `{command}` — {args.requests} calls per row, the stack started by the "
        "benchmark (SQLite, local RabbitMQ, one process per service). RPC clients: one "
        "green thread each on its own py-amqp connection speaking nameko's wire format "
        "(`bench/lean_amqp.py`; nameko's standalone proxy cost ~0.45 ms of CPU per call); HTTP clients: one green thread each "
        "on a raw keep-alive socket (`bench/lean.py`). CPU ms per call: each process's user "
        "+ system time from /proc over the row, divided by the calls (`rabbitmq (shared)`: "
        "the whole broker, which other work on the machine may use too).",
        "",
        "| what | concurrent clients | p50 ms | p99 ms | mean ms | calls/s | "
        "CPU ms per call: **server** = per process; client |",
        "|---|---|---|---|---|---|---|",
    ]
    for what, concurrency, figures in rows:
        lines.append(
            f"| {what} | {concurrency} | {figures['p50_ms']:.2f} | "
            f"{figures['p99_ms']:.2f} | {figures['mean_ms']:.2f} | "
            f"{figures['per_s']:.0f} | {cpu_cell(figures['cpu'])} |"
        )
    report = "\n".join(lines)
    print(report)
    write_section("rpc", report)


if __name__ == "__main__":
    main()
