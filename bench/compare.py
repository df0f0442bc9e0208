"""Progress reports of two source trees in the same minutes: this checkout and `--baseline` (a git
revision, checked out into a temporary worktree), each in a stack of its own, both up at once, the
load put on one and then the other, round after round (A B B A A B …).

The machine this runs on changes speed from one hour to the next by more than most changes do
(bench/RESULTS.md: the same tree measured 1,445 to 2,069 reports/s in one day); two runs of
`bench/playstate.py` an hour apart compare the hours, not the trees. Interleaved short rounds put
both trees through the same drift. Run from the project root:

    .venv/bin/python bench/compare.py --baseline HEAD~3 [--players 64] [--rounds 8] [--reports 3000]
"""

from __future__ import annotations

import setlist  # noqa: F401 - quiets eventlet's deprecation notice

# isort: split
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.lean import CpuMeter, cpu_cell  # noqa: E402
from bench.playstate import Player, admin_session, lost_updates, progress_stack  # noqa: E402
from bench.results import run, write_section  # noqa: E402
from tests.support.infrastructure import ROOT, Stack  # noqa: E402

COMMAND = "python bench/compare.py"


@dataclass
class Side:
    """One tree under test: its stack, its players, and the figures of each of its rounds."""

    label: str
    stack: Stack
    meter: CpuMeter
    players: list[Player] = field(default_factory=list)
    rounds: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def worktree(revision: str) -> Iterator[Path]:
    """`revision` checked out into a temporary folder (a git worktree), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="setlist-baseline-")) / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(folder), revision],
        cwd=ROOT,
        check=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)


@contextlib.contextmanager
def side(label: str, root: Path, database: str) -> Iterator[Side]:
    """A started stack running the tree at `root`, with its own vhost and databases."""
    with progress_stack(database, root) as (stack, meter):
        yield Side(label, stack, meter)


def add_players(side: Side, count: int) -> None:
    admin = admin_session(side.stack)
    side.players = [Player(side.stack.url, admin, index) for index in range(count)]


def order(rounds: int) -> Iterator[int]:
    """0 1 1 0 0 1 1 0 …: each side as often first as second, so that a drift favours neither."""
    for index in range(rounds):
        yield from ((0, 1) if index % 2 == 0 else (1, 0))


def summary_row(side: Side) -> str:
    """Medians over the rounds; CPU per report averaged over them (the rounds are equally long)."""
    rates = [figures["per_s"] for figures in side.rounds]
    cpu: dict[str, float] = {}
    for figures in side.rounds:
        for label, ms in figures["cpu"].items():
            cpu[label] = cpu.get(label, 0.0) + ms / len(side.rounds)
    return (
        f"| {side.label} | {statistics.median(rates):.0f} ({min(rates):.0f}–{max(rates):.0f}) | "
        f"{statistics.median(f['p50_ms'] for f in side.rounds):.1f} | "
        f"{statistics.median(f['p99_ms'] for f in side.rounds):.1f} | {cpu_cell(cpu)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare against")
    parser.add_argument("--players", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=8, help="rounds of each side")
    parser.add_argument("--reports", type=int, default=3000, help="reports per round")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()
    head = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    baseline = subprocess.run(
        ["git", "rev-parse", "--short", args.baseline],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    command = (
        f"{COMMAND} --baseline {args.baseline} --players {args.players} --rounds {args.rounds} "
        f"--reports {args.reports} --database {args.database}"
    )
    print(f"Command: {command}", flush=True)

    with (
        worktree(args.baseline) as baseline_root,
        side(f"this tree ({head})", ROOT, args.database) as this,
        side(f"baseline ({baseline})", baseline_root, args.database) as other,
    ):
        sides = (this, other)
        for each in sides:
            add_players(each, args.players)
        for index in order(args.rounds):
            current = sides[index]
            figures = run(
                [player.report for player in current.players], args.reports, current.meter
            )
            current.rounds.append(figures)
            print(
                f"{current.label}: {figures['per_s']:.0f}/s p99 {figures['p99_ms']:.1f} ms, "
                f"{figures['cpu']['server']:.2f} ms of CPU per report",
                flush=True,
            )
        lost = {each.label: lost_updates(each.players) for each in sides}

    lines = [
        "## Progress reports, two trees interleaved (`bench/compare.py`)",
        "",
        f"Command: `{command}` — two stacks up at once ({args.database}, local RabbitMQ, one "
        f"process per service each), {args.players} players on each (as `bench/playstate.py`), "
        f"{args.rounds} rounds of {args.reports} reports per side, taken in turn (A B B A …) so that "
        "the machine's drift in speed reaches both alike. Reports/s: the median round (the "
        "slowest and fastest in brackets); p50/p99: medians over the rounds; CPU ms per report: "
        "each process's user + system time from /proc, averaged over the rounds "
        "(`rabbitmq (shared)`: the one broker both stacks use). Lost updates after the last "
        f"round: {', '.join(f'{label} {count}' for label, count in lost.items())}.",
        "",
        "| tree | reports/s | p50 ms | p99 ms | CPU ms per report: **server** = per process; "
        "client |",
        "|---|---|---|---|---|",
        *(summary_row(each) for each in sides),
    ]
    report = "\n".join(lines)
    print(report)
    write_section("compare", report)
    if any(lost.values()):
        sys.exit("lost updates: see above")


if __name__ == "__main__":
    main()
