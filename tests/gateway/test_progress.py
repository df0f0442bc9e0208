"""gateway/progress.py: progress reports waiting in one gateway process go to playstate in one call,
and each waiting request gets its own report's outcome (or the call's failure)."""

from types import SimpleNamespace
from typing import Any

import eventlet
import pytest

from gateway.progress import ProgressReports
from services.common.errors import NotFound, ServiceUnavailable, as_data

PRINCIPAL = {"kind": "user", "token_id": 1}


class Playstate:
    """A worker's playstate proxy: answers a batch after a round trip, a report at position 13 with
    NotFound (or fails the whole call when told to)."""

    calls: list[tuple[str, list[dict[str, Any]]]] = []

    def __init__(self, name: str, fails: Exception | None = None) -> None:
        self.name, self.fails = name, fails

    def playback_progress_batch(self, reports: list[dict[str, Any]]) -> list[Any]:
        self.calls.append((self.name, reports))
        eventlet.sleep(0.01)  # playstate's commit: the next reports gather meanwhile
        if self.fails is not None:
            raise self.fails
        return [
            as_data(NotFound("Item not found.")) if report["info"]["position"] == 13 else None
            for report in reports
        ]


@pytest.fixture
def reports():
    Playstate.calls = []
    provider = ProgressReports()
    provider.setup()
    return provider


def worker(provider: ProgressReports, playstate: Playstate):
    return provider.get_dependency(SimpleNamespace(service=SimpleNamespace(playstate=playstate)))


def report_each(provider: ProgressReports, positions: range, fails: Exception | None = None):
    """Each position reported by a worker of its own, at once: what each got."""
    outcome: dict[int, Any] = {}

    def one(position: int) -> None:
        report = worker(provider, Playstate(f"worker {position}", fails))
        try:
            report(PRINCIPAL, None, {"position": position}, 1000 + position)
            outcome[position] = "204"
        except (NotFound, ServiceUnavailable) as exc:
            outcome[position] = exc

    pool = eventlet.GreenPool()
    for position in positions:
        pool.spawn(one, position)
    pool.waitall()
    return outcome


def test_reports_waiting_together_are_one_call_and_each_gets_its_own_outcome(reports):
    outcome = report_each(reports, range(20))
    assert len(Playstate.calls) < 20  # not one call per report
    sent = [report for _, batch in Playstate.calls for report in batch]
    assert sorted(report["info"]["position"] for report in sent) == list(range(20))
    assert sent[0] == {
        "principal": PRINCIPAL,
        "user_id": None,
        "info": {"position": 0},
        "reported_us": 1000,
    }
    assert isinstance(outcome.pop(13), NotFound)  # its own error only
    assert outcome == dict.fromkeys(set(range(20)) - {13}, "204")


def test_a_call_goes_through_a_worker_waiting_for_it(reports):
    report_each(reports, range(5))
    for name, batch in Playstate.calls:
        assert name == f"worker {batch[0]['info']['position']}"


def test_a_lone_report_is_sent_at_once(reports):
    worker(reports, Playstate("alone"))(PRINCIPAL, "u", {"position": 1}, 5)
    assert [name for name, _ in Playstate.calls] == ["alone"]


def test_a_failed_call_fails_each_of_its_reports(reports):
    unavailable = ServiceUnavailable("The playstate service did not answer in time.")
    outcome = report_each(reports, range(5), fails=unavailable)
    assert all(result is unavailable for result in outcome.values())
    assert len(outcome) == 5
