"""services/common/batching.py: items submitted while a batch is written form the next batch, each
submitter gets its own item's result, and a failed batch fails each of its submitters, and only those."""

from __future__ import annotations

import eventlet
import pytest

from services.common.batching import Batcher


class Store:
    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []  # written
        self.started: list[list[int]] = []  # each write's batch, from when it began
        self.under_way = 0
        self.most_under_way = 0
        self.fail_on = fail_on

    def write(self, batch: list[int]) -> list[str]:
        self.started.append(batch)
        self.under_way += 1
        self.most_under_way = max(self.most_under_way, self.under_way)
        try:
            eventlet.sleep(0.01)  # the commit's round trip: others submit meanwhile
            if self.fail_on in batch:
                raise RuntimeError("database down")
            self.batches.append(batch)
            return [f"stored {item}" for item in batch]
        finally:
            self.under_way -= 1


def submit_each(batcher: Batcher[int, str], items: range) -> dict[int, str]:
    """Each item submitted by a green thread of its own."""
    outcome: dict[int, str] = {}

    def one(item: int) -> None:
        try:
            outcome[item] = batcher.submit(item)
        except RuntimeError as exc:
            outcome[item] = str(exc)

    pool = eventlet.GreenPool()
    for item in items:
        pool.spawn(one, item)
    pool.waitall()
    return outcome


def test_items_waiting_during_a_write_are_written_together() -> None:
    store = Store()
    outcome = submit_each(Batcher(store.write, limit=100), range(20))
    assert outcome == {item: f"stored {item}" for item in range(20)}
    assert sorted(item for batch in store.batches for item in batch) == list(range(20))
    assert len(store.batches) < 20  # not one write per item


def test_batches_are_at_most_the_limit() -> None:
    store = Store()
    submit_each(Batcher(store.write, limit=3), range(10))
    assert max(len(batch) for batch in store.batches) <= 3


def test_a_failed_batch_fails_its_submitters_only() -> None:
    store = Store(fail_on=5)
    outcome = submit_each(Batcher(store.write, limit=100), range(10))
    failed = [item for item, result in outcome.items() if not result.startswith("stored")]
    assert 5 in failed and all(outcome[item] == "database down" for item in failed)
    stored = sorted(item for batch in store.batches for item in batch)
    assert stored == sorted(set(range(10)) - set(failed))


def test_a_later_batch_is_tried_afresh_after_a_failure() -> None:
    store = Store(fail_on=0)
    batcher: Batcher[int, str] = Batcher(store.write, limit=100)
    with pytest.raises(RuntimeError):
        batcher.submit(0)
    assert batcher.submit(1) == "stored 1"
    assert store.batches == [[1]]


def test_items_submitted_together_get_their_own_results() -> None:
    store = Store(fail_on=4)
    batcher: Batcher[int, str] = Batcher(store.write, limit=3)
    results = batcher.submit_all([0, 1, 2, 3, 4])
    assert results[:3] == ["stored 0", "stored 1", "stored 2"]  # the first batch of 3
    assert [str(result) for result in results[3:]] == ["database down"] * 2
    assert all(isinstance(result, RuntimeError) for result in results[3:])
    assert store.batches == [[0, 1, 2]]


def test_nothing_submitted_writes_nothing() -> None:
    store = Store()
    assert Batcher(store.write, limit=3).submit_all([]) == []
    assert store.batches == []


def test_a_write_with_a_result_missing_fails_its_batch() -> None:
    batcher: Batcher[int, str] = Batcher(lambda batch: ["only one"], limit=10)
    assert [type(result) for result in batcher.submit_all([1, 2])] == [RuntimeError] * 2


def test_a_result_that_is_an_error_is_returned_not_raised() -> None:
    refused = ValueError("this item's own error")
    batcher: Batcher[int, ValueError | None] = Batcher(
        lambda batch: [refused if item == 2 else None for item in batch], limit=10
    )
    assert (batcher.submit(1), batcher.submit(2)) == (None, refused)


def let_run() -> None:
    """Let the green threads that can run now (a submitter, then the flusher it starts) run."""
    for _ in range(3):
        eventlet.sleep(0)


def test_a_second_writer_starts_only_once_enough_items_wait() -> None:
    store = Store()
    batcher: Batcher[int, str] = Batcher(store.write, limit=100, writers=2, gather=3)
    first = eventlet.spawn(batcher.submit_all, [0])
    let_run()  # the first write is under way
    second = eventlet.spawn(batcher.submit_all, [1, 2])
    let_run()
    assert store.started == [[0]]  # two waiting: less than `gather`, they wait for the first write
    third = eventlet.spawn(batcher.submit_all, [3])
    let_run()
    assert store.started == [[0], [1, 2, 3]]  # three waiting: written while the first still is
    assert [first.wait(), second.wait(), third.wait()] == [
        ["stored 0"],
        ["stored 1", "stored 2"],
        ["stored 3"],
    ]


def test_writers_never_exceed_their_number() -> None:
    store = Store()
    outcome = submit_each(Batcher(store.write, limit=2, writers=2, gather=1), range(20))
    assert outcome == {item: f"stored {item}" for item in range(20)}
    assert store.most_under_way == 2
