"""End-to-end tests run against the whole stack; the broker outage test goes last."""

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("broker_outage") is not None)
