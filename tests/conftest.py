"""Shared fixtures. eventlet is monkey-patched before anything else is imported.

Every test session gets its own RabbitMQ vhost and its own PostgreSQL databases (named after a
random session id), so concurrent runs on one machine never see each other's messages or rows.
Set ``SETLIST_TEST_DATABASE=sqlite`` to run the same suite on SQLite files instead.
"""

import setlist  # noqa: F401 - first: quiets eventlet's deprecation notice (imports nothing else)

# isort: split
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import secrets  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from services.common.config import DATABASE_SERVICES  # noqa: E402
from tests.support.infrastructure import (  # noqa: E402
    Stack,
    create_databases,
    create_vhost,
    delete_vhost,
    drop_databases,
)


@pytest.fixture(scope="session")
def session_id() -> str:
    return secrets.token_hex(4)


@pytest.fixture(scope="session")
def amqp_uri(session_id: str) -> Iterator[str]:
    vhost = f"setlist-test-{session_id}"
    create_vhost(vhost)
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    delete_vhost(vhost)


@pytest.fixture(scope="session")
def database_urls(session_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """service → database URL, fresh for this session."""
    if os.environ.get("SETLIST_TEST_DATABASE") == "sqlite":
        folder = tmp_path_factory.mktemp("sqlite")
        yield {svc: f"sqlite:///{folder / svc}.db" for svc in DATABASE_SERVICES}
        return
    names = {svc: f"setlist_test_{session_id}_{svc}" for svc in DATABASE_SERVICES}
    urls = create_databases(names)
    yield urls
    drop_databases(names)


@pytest.fixture(scope="session", autouse=True)
def service_env(
    amqp_uri: str, database_urls: dict, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    """The environment every service reads, applied to this process and passed to the stack."""
    env = {"AMQP_URI": amqp_uri, "SETLIST_VAR": str(tmp_path_factory.mktemp("var"))}
    env.update({f"{svc.upper()}_DATABASE_URL": url for svc, url in database_urls.items()})
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    from setlist.migrate import migrate_all

    migrate_all()
    yield env
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def stack(service_env: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole system, started as `make run` starts it, on a free port. The tests are its trusted
    proxy (``TRUSTED_PROXIES``), so a test may log in "from" an address of its own with
    ``X-Forwarded-For`` and count failed logins apart from every other test's."""
    running = Stack(
        service_env,
        Path(tmp_path_factory.mktemp("stack")) / "stack.log",
        extra_env={"LOG_FORMAT": "json", "TRUSTED_PROXIES": "127.0.0.1"},
    )
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def admin_token(stack: Stack) -> str:
    """A token of an administrator, made with the `setlist admin` commands."""
    return stack.create_user("admin", "admin-password", admin=True)


@pytest.fixture
def session_for(database_urls: dict) -> Iterator:
    """``session_for("accounts")``: a session on that service's test database whose work is rolled
    back after the test (domain functions flush; ``commit()`` becomes a savepoint release)."""
    from sqlalchemy.orm import Session

    from services.common.database import make_engine

    opened = []

    def open_session(service: str) -> Session:
        engine = make_engine(database_urls[service])
        connection = engine.connect()
        transaction = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        opened.append((engine, connection, transaction, session))
        return session

    yield open_session
    for engine, connection, transaction, session in opened:
        session.close()
        transaction.rollback()
        connection.close()
        engine.dispose()
