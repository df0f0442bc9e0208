"""The callers' own user records (``GET /Users/Me``), cached per gateway process as their
principals are (``PRINCIPAL_CACHE_SECONDS``), and dropped at once when accounts announces
``user_changed`` (a login, which moves ``LastLoginDate``), so the route costs no RPC while the
record stands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from nameko.extensions import DependencyProvider

from services.common import config
from services.common.expiring_cache import ExpiringCache

#: user id → accounts' record of the user
UserCache = ExpiringCache[int | None, dict[str, Any]]


class Users:
    """Accounts' ``find_user`` with the process's cache in front."""

    def __init__(self, cache: UserCache, find_user: Callable[[int | None], dict[str, Any]]) -> None:
        self.cache = cache
        self.find_user = find_user

    def find(self, user_id: int | None) -> dict[str, Any]:
        return self.cache.load(user_id, lambda: self.find_user(user_id))

    def forget(self, user_ids: Iterable[int]) -> None:
        self.cache.drop(user_ids)


class CallerUsers(DependencyProvider):
    """``users = CallerUsers()`` on the gateway: a :class:`Users` per worker over the service's
    ``accounts`` proxy, one cache per process."""

    def setup(self) -> None:
        self.cache = UserCache(ttl=config.PRINCIPAL_CACHE_SECONDS.value())

    def get_dependency(self, worker_ctx: Any) -> Users:
        # looked up at call time: the proxy may be injected after this dependency
        return Users(self.cache, lambda user_id: worker_ctx.service.accounts.find_user(user_id))
