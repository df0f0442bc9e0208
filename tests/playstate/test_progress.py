"""services/playstate/progress.py's report_all: a batch call's reports each get their own outcome (a
bad one spoils none of the others), are handed to the batches together, and are announced and
touch their devices only once committed."""

from typing import Any

import pytest

from services.common.announcements import Announcer
from services.common.batching import Batcher
from services.common.database import commit
from services.common.errors import NotFound, ServiceUnavailable
from services.common.principal import Principal
from services.playstate import devices
from services.playstate.progress import NOT_STORED, Progress, report_all
from services.playstate.rules import Item

ME, OTHER = "a" * 32, "b" * 32
TRACK = Item("1" * 32, 36_000_000_000, resumable=True)
GONE = "2" * 32
USER = Principal(kind="user", token_id=1, user_id=1, user_uuid=ME, device_id="tv").to_dict()
TEAM = Principal(kind="team", token_id=2, team_id=1, organizer="org").to_dict()


@pytest.fixture
def db(session_for):
    return session_for("playstate")


def items(item_id: str) -> Item:
    if item_id != TRACK.id:
        raise NotFound("Item not found.")
    return TRACK


def report(
    principal: dict[str, Any] = USER, user_id: str | None = None, **info: Any
) -> dict[str, Any]:
    info = {"itemid": TRACK.id, "playsessionid": "p", "positionticks": "9000000000", **info}
    return {"principal": principal, "user_id": user_id, "info": info, "reported_us": 7}


class Batches:
    """Stands for ProgressBatches: records each write, fails a batch holding a failing position."""

    def __init__(self, fails_at: int | None = None) -> None:
        self.written: list[list[Progress]] = []
        self.fails_at = fails_at
        self.batcher = Batcher(self.write, limit=1)

    def write(self, batch: list[Progress]) -> list[list[tuple[str, dict[str, Any]]]]:
        if any(progress.report.position_ticks == self.fails_at for progress in batch):
            raise ServiceUnavailable(NOT_STORED)  # as ProgressBatches raises it
        self.written.append(batch)
        return [[("user_data_changed", {"item_id": progress.item.id})] for progress in batch]


def run(db, batches: Batches, reports: list[dict[str, Any]]):
    dispatched: list[tuple[str, dict[str, Any]]] = []
    touch = devices.Touches(devices.TouchThrottle(10))
    announce = Announcer(
        lambda kind, payload: dispatched.append((kind, payload)), dispatched.extend
    )
    outcomes = report_all(db, items, touch, announce, batches.batcher, reports)
    assert dispatched == []  # not before the worker's commit
    commit(db)
    return outcomes, dispatched


def codes(outcomes: list[Any]) -> list[str | None]:
    return [outcome and outcome["code"] for outcome in outcomes]


def test_each_report_gets_its_own_outcome(db):
    batches = Batches()
    outcomes, dispatched = run(
        db,
        batches,
        [
            report(),
            report(itemid="not-a-guid"),
            report(itemid=GONE),
            report(TEAM),
            report(user_id=OTHER),
            report(positionticks="1000"),
        ],
    )
    assert codes(outcomes) == [
        None,
        "bad_request",
        "not_found",
        "permission_denied",
        "permission_denied",
        None,
    ]
    assert outcomes[2] == {
        "code": "not_found",
        "detail": "Item not found.",
        "fields": {},
        "extra": {},
    }
    written = [progress.report.position_ticks for batch in batches.written for progress in batch]
    assert written == [9_000_000_000, 1000]  # only the good ones, in order
    assert dispatched == [("user_data_changed", {"item_id": TRACK.id})] * 2
    mine = devices.visible(db, Principal.from_dict(USER), devices.SessionQuery())
    assert [row.device_id for row in mine] == ["tv"]  # touched once it was committed


def test_a_failed_batch_answers_unavailable_for_its_reports_only(db):
    batches = Batches(fails_at=1000)  # a batch of one report each (limit 1)
    outcomes, dispatched = run(db, batches, [report(positionticks="1000"), report()])
    assert codes(outcomes) == ["unavailable", None]
    assert outcomes[0]["detail"] == NOT_STORED
    assert dispatched == [("user_data_changed", {"item_id": TRACK.id})]


def test_a_report_without_an_item_to_apply_is_done_without_a_write(db):
    batches = Batches()
    outcomes, dispatched = run(db, batches, [report(itemid=None)])  # no session to take it from
    assert codes(outcomes) == [None]
    assert batches.written == [] and dispatched == []
