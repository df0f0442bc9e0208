"""A socket's request budget (API.md §4)."""

from gateway.rooms.budget import TokenBucket


def test_the_request_budget_is_a_token_bucket_of_20_a_second_bursts_of_40():
    now = [0.0]
    bucket = TokenBucket(clock=lambda: now[0])
    assert [bucket.take() for _ in range(41)] == [True] * 40 + [False]
    now[0] += 0.05  # one token back
    assert (bucket.take(), bucket.take()) == (True, False)
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(50)) == 40
