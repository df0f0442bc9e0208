"""A service that does not answer in time is ServiceUnavailable, not a hung request."""

import eventlet
import pytest

from gateway.rpc import TimedMethod
from services.common.errors import ServiceUnavailable


class Reply:
    def __init__(self, delay: float, value: str) -> None:
        self.delay, self.value = delay, value

    def result(self) -> str:
        eventlet.sleep(self.delay)
        return self.value


class Method:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    def call_async(self, *args, **kwargs) -> Reply:
        return Reply(self.delay, f"answer to {args}")


def test_answer_within_the_deadline_is_returned():
    assert TimedMethod(Method(0), "events", timeout=1)(7) == "answer to (7,)"


def test_silence_past_the_deadline_is_service_unavailable():
    with pytest.raises(ServiceUnavailable) as raised:
        TimedMethod(Method(5), "events", timeout=0.05)()
    assert raised.value.detail == "The events service did not answer in time."
