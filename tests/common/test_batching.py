"""services/common/batching.py: items submitted while a batch is written form the next batch, and a
failed batch fails each of its submitters, and only those."""

from __future__ import annotations

import eventlet
import pytest

from services.common.batching import Batcher


class Store:
    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on

    def write(self, batch: list[int]) -> None:
        eventlet.sleep(0.01)  # the commit's round trip: others submit meanwhile
        if self.fail_on in batch:
            raise RuntimeError("database down")
        self.batches.append(batch)


def submit_all(batcher: Batcher[int], items: range) -> dict[int, str]:
    outcome: dict[int, str] = {}

    def one(item: int) -> None:
        try:
            batcher.submit(item)
            outcome[item] = "stored"
        except RuntimeError as exc:
            outcome[item] = str(exc)

    pool = eventlet.GreenPool()
    for item in items:
        pool.spawn(one, item)
    pool.waitall()
    return outcome


def test_items_waiting_during_a_write_are_written_together() -> None:
    store = Store()
    outcome = submit_all(Batcher(store.write, limit=100), range(20))
    assert outcome == dict.fromkeys(range(20), "stored")
    assert sorted(item for batch in store.batches for item in batch) == list(range(20))
    assert len(store.batches) < 20  # not one write per item


def test_batches_are_at_most_the_limit() -> None:
    store = Store()
    submit_all(Batcher(store.write, limit=3), range(10))
    assert max(len(batch) for batch in store.batches) <= 3


def test_a_failed_batch_fails_its_submitters_only() -> None:
    store = Store(fail_on=5)
    outcome = submit_all(Batcher(store.write, limit=100), range(10))
    failed = [item for item, result in outcome.items() if result != "stored"]
    assert 5 in failed and all(outcome[item] == "database down" for item in failed)
    stored = sorted(item for batch in store.batches for item in batch)
    assert stored == sorted(set(range(10)) - set(failed))


def test_a_later_batch_is_tried_afresh_after_a_failure() -> None:
    store = Store(fail_on=0)
    batcher: Batcher[int] = Batcher(store.write, limit=100)
    with pytest.raises(RuntimeError):
        batcher.submit(0)
    batcher.submit(1)
    assert store.batches == [[1]]
