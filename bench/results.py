"""Shared by the benchmarks: timed concurrent clients, timing statistics, and writing a section of
bench/RESULTS.md. Clients are green threads: the benchmark monkey-patches eventlet first."""

from __future__ import annotations

import platform
import re
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import eventlet

from bench.lean import CpuMeter, per_request_ms

RESULTS = Path(__file__).with_name("RESULTS.md")
HISTORY = Path(__file__).with_name("HISTORY.md")


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float], elapsed: float) -> dict[str, float]:
    """p50/p99/mean in milliseconds and throughput in operations per second."""
    return {
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "per_s": len(latencies) / elapsed,
    }


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between ``<!-- name -->`` markers in RESULTS.md."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{start}\n{body.rstrip()}\n\n_Last run: {stamp}, {machine()}._\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + "\n(.*?)" + re.escape(end), re.S)
    previous = pattern.search(text)
    if previous:
        keep_in_history(previous.group(1))
    text = pattern.sub(lambda _: block, text) if previous else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def keep_in_history(old_body: str) -> None:
    """The figures a new run replaces go on top of HISTORY.md (newest first), as they were."""
    header = (
        "# Earlier benchmark results\n\nWhat bench/RESULTS.md said before a newer run "
        "replaced it, newest first.\n"
    )
    text = HISTORY.read_text() if HISTORY.exists() else header
    rest = text[len(header) :] if text.startswith(header) else text
    HISTORY.write_text(header + "\n" + demoted(old_body).rstrip() + "\n" + rest)


def demoted(body: str) -> str:
    """A section's headings one level down (``##`` → ``###``), to sit under HISTORY.md's title."""
    return re.sub(r"^(#+) ", lambda match: "#" + match.group(1) + " ", body, flags=re.M)


def run(
    calls: list[Callable[[], object]], total: int, meter: CpuMeter | None = None
) -> dict[str, Any]:
    """Spread `total` calls over len(calls) concurrent clients, each with its own connection; with
    a `meter`, ``cpu`` is the CPU milliseconds per call of each process group."""
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
    if meter is not None:
        meter.start()
    started = time.perf_counter()
    for call in calls:
        pool.spawn(client, call, share)
    pool.waitall()
    figures: dict[str, Any] = summary(latencies, time.perf_counter() - started)
    if meter is not None:
        figures["cpu"] = per_request_ms(meter.stop(), len(latencies))
    return figures
