"""Shared by the benchmarks: timed concurrent clients, timing statistics, and writing a section of
bench/RESULTS.md. Clients are green threads: the benchmark monkey-patches eventlet first."""

from __future__ import annotations

import platform
import re
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import eventlet

RESULTS = Path(__file__).with_name("RESULTS.md")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    """p50/p99/mean in milliseconds and throughput in operations per second."""
    return {"p50_ms": percentile(latencies, 50) * 1000, "p99_ms": percentile(latencies, 99) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000, "per_s": len(latencies) / elapsed}


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between ``<!-- name -->`` markers in RESULTS.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{start}\n{body.rstrip()}\n\n_Last run: {stamp}, {machine()}._\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else \
        text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def run(calls: list[Callable[[], object]], total: int) -> dict[str, float]:
    """Spread `total` calls over len(calls) concurrent clients, each with its own connection."""
    latencies: list[float] = []

    def client(call: Callable[[], object], count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            call()
            latencies.append(time.perf_counter() - started)

    for call in calls:  # warm up every connection
        call()
    pool = eventlet.GreenPool(len(calls))
    share = total // len(calls)
    started = time.perf_counter()
    for call in calls:
        pool.spawn(client, call, share)
    pool.waitall()
    return summary(latencies, time.perf_counter() - started)
