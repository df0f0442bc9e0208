"""End-to-end fixtures beyond the session's `stack`: the administrator's client, an hour-long
resumable track, and stacks on a private RabbitMQ node and a private PostgreSQL cluster, which
chaos tests (marker ``chaos``, ``make chaos``) stop, restart and kill without disturbing anything
else running on the machine."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.common.config import DATABASE_SERVICES
from tests.support.client import Api
from tests.support.infrastructure import Stack
from tests.support.playstate import new_track
from tests.support.private_infrastructure import PrivatePostgres, PrivateRabbit

#: long enough for a test to kill an instance and let RabbitMQ hand its request to another
CHAOS_ENV = {"LOG_FORMAT": "json", "RPC_TIMEOUT_SECONDS": "20"}


@pytest.fixture(scope="module")
def admin(stack: Stack, admin_token: str) -> Api:
    """A client of the session stack with the administrator's token."""
    return Api(stack.url, admin_token)


@pytest.fixture(scope="module")
def long_mix(admin: Api) -> str:
    """An hour-long resumable track: 5 % is 1,800,000,000 ticks, 90 % 32,400,000,000."""
    return new_track(admin, 3600, resumable=True)


def running(instance: PrivateRabbit | PrivatePostgres) -> Iterator:
    try:
        instance.start()
        yield instance
    finally:
        instance.shutdown()


@pytest.fixture(scope="session")
def private_rabbit() -> Iterator[PrivateRabbit]:
    yield from running(PrivateRabbit())


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    yield from running(PrivatePostgres())


@pytest.fixture(scope="session")
def start_private_stack(
    private_rabbit: PrivateRabbit,
    private_postgres: PrivatePostgres,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Stack]]:
    """``start_private_stack(EVENTS_INSTANCES="2")``: a running stack with its own vhost on the
    private node and its own databases on the private cluster; stopped at the end of the session
    unless the test stopped it."""
    stacks: list[Stack] = []

    def start(**extra_env: str) -> Stack:
        name = f"chaos_{secrets.token_hex(4)}"
        urls = private_postgres.create_databases(
            {svc: f"{name}_{svc}" for svc in DATABASE_SERVICES}
        )
        folder = Path(tmp_path_factory.mktemp(name))
        env = {
            "AMQP_URI": private_rabbit.add_vhost(name),
            "SETLIST_VAR": str(folder / "var"),
            **{f"{svc.upper()}_DATABASE_URL": url for svc, url in urls.items()},
        }
        stack = Stack(env, folder / "stack.log", extra_env={**CHAOS_ENV, **extra_env})
        stacks.append(stack)
        stack.start()
        return stack

    yield start
    for stack in stacks:
        stack.stop()


@pytest.fixture(scope="session")
def chaos_stack(start_private_stack: Callable[..., Stack]) -> Stack:
    """A private stack with two events instances, shared by the chaos tests that restore it."""
    return start_private_stack(EVENTS_INSTANCES="2")


@pytest.fixture(scope="session")
def chaos_token(chaos_stack: Stack) -> str:
    """An administrator's token on `chaos_stack`."""
    return chaos_stack.create_user("admin", "admin-password", admin=True)
