"""Domain events of accounts, dispatched as ``accounts`` by both services of the accounts process
(``accounts`` and ``accounts_login``), so listeners have one source to subscribe to."""

from __future__ import annotations

from nameko.events import EventDispatcher, get_event_exchange
from nameko.messaging import Publisher

SOURCE = "accounts"


class AccountsEventDispatcher(EventDispatcher):
    def setup(self) -> None:
        self.exchange = get_event_exchange(SOURCE, self.container.config)
        self.declare.append(self.exchange)
        Publisher.setup(self)
