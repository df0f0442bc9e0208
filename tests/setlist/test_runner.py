"""The runner's supervision: pid files, starting a dead process again, giving up on one that keeps
dying young, and killing a process that does not stop within the grace period."""

import signal
import sys
import time

import pytest

from setlist import runner
from setlist.processes import Process


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@pytest.fixture(autouse=True)
def var(monkeypatch, tmp_path):
    monkeypatch.setenv("SETLIST_VAR", str(tmp_path))
    (tmp_path / "run").mkdir()


def test_pid_file_follows_the_process_and_a_dead_one_starts_again():
    child = runner.Child(Process("events.1", python("pass")))
    first = child.popen.pid
    assert runner.pid_file("events.1").read_text() == f"{first}\n"
    child.popen.wait()
    assert child.restart_if_dead()
    assert child.popen.pid != first
    assert runner.pid_file("events.1").read_text() == f"{child.popen.pid}\n"
    child.popen.wait()


def test_a_process_dying_young_again_and_again_stops_the_runner():
    child = runner.Child(Process("broken", python("raise SystemExit(3)")))
    verdicts = []
    for _ in range(runner.CRASH_LIMIT):
        child.popen.wait()
        verdicts.append(child.restart_if_dead())
    assert verdicts == [True] * (runner.CRASH_LIMIT - 1) + [False]


def test_stop_sends_sigterm_and_kills_what_outlives_the_grace_period(monkeypatch):
    monkeypatch.setattr(runner, "STOP_GRACE_SECONDS", 1.0)
    polite = runner.Child(Process("events", python("import time; time.sleep(60)")))
    stubborn = runner.Child(
        Process(
            "gateway",
            python(
                "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
            ),
        )
    )
    while not ignores_sigterm(stubborn.popen.pid):
        time.sleep(0.05)
    runner.stop([polite, stubborn])
    assert polite.popen.returncode == -signal.SIGTERM
    assert stubborn.popen.returncode == -signal.SIGKILL
    assert not runner.pid_file("events").exists() and not runner.pid_file("gateway").exists()


def ignores_sigterm(pid: int) -> bool:
    """Whether the process has set SIGTERM to ignored (the SigIgn mask of /proc/<pid>/status)."""
    with open(f"/proc/{pid}/status") as status:
        mask = next(line for line in status if line.startswith("SigIgn:")).split()[1]
    return bool(int(mask, 16) & (1 << (signal.SIGTERM - 1)))
