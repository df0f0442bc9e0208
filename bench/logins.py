"""Other users' latency while wrong logins run in parallel (issue 14): ``GET /Users/Me`` of one
user, p50/p95/max, alone and while rounds of 20 parallel wrong logins (each a full scrypt hash) run;
and how many of either answered 503.

It starts its own stack (as `make run` does: SQLite, the local RabbitMQ, in a vhost of its own),
trusting itself as proxy so each round of logins comes "from" a new address. Run from the project
root:

    .venv/bin/python bench/logins.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.infrastructure import Stack, create_vhost, delete_vhost  # noqa: E402


def measure(url: str, token: str, seconds: float) -> tuple[list[float], list[int]]:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    latencies, statuses = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        statuses.append(session.get(f"{url}/Users/Me", timeout=60).status_code)
        latencies.append(time.perf_counter() - started)
    return latencies, statuses


def wrong_logins(url: str, stop: threading.Event, statuses: list[int]) -> None:
    round_ = 0
    while not stop.is_set():
        round_ += 1
        address = f"198.18.{round_ // 250}.{round_ % 250 + 1}"

        def attempt(index: int, address: str = address) -> None:
            response = requests.post(
                f"{url}/Users/AuthenticateByName",
                json={"Username": f"nobody-{index}", "Pw": "wrong"},
                headers={"X-Forwarded-For": address},
                timeout=60,
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def summary(name: str, latencies: list[float], statuses: list[int]) -> str:
    cuts = statistics.quantiles(latencies, n=20)
    return (
        f"{name}: {len(latencies)} requests, p50 {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {cuts[18] * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms, "
        f"503s {statuses.count(503)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    vhost = f"bench-logins-{secrets.token_hex(4)}"
    create_vhost(vhost)
    folder = Path(tempfile.mkdtemp(prefix="bench-logins-"))
    env = {"AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "SETLIST_VAR": str(folder)}
    stack = Stack(env, folder / "stack.log", extra_env={"TRUSTED_PROXIES": "127.0.0.1"})
    try:
        stack.start()
        token = stack.create_user("bench", "bench-password")
        print(summary("alone", *measure(stack.url, token, args.seconds)))
        stop = threading.Event()
        login_statuses: list[int] = []
        attacker = threading.Thread(target=wrong_logins, args=(stack.url, stop, login_statuses))
        attacker.start()
        during = measure(stack.url, token, args.seconds)
        stop.set()
        attacker.join()
        print(summary("during 20 parallel wrong logins", *during))
        print(
            f"wrong logins: {len(login_statuses)}, "
            + ", ".join(f"{s}: {login_statuses.count(s)}" for s in sorted(set(login_statuses)))
        )
    finally:
        stack.stop()
        delete_vhost(vhost)
    return 0


if __name__ == "__main__":
    sys.exit(main())
