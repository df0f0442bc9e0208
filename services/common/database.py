"""SQLAlchemy 2.x engines and the nameko DependencyProvider that gives each worker one session.

The session is committed when the worker succeeds and rolled back when it fails. An RPC entrypoint
that dispatches a domain event hands the dispatch to :func:`after_commit`: the ``rpc`` decorator
commits the worker's write and only then runs it, so an event never announces a write that could
still be rolled back (code outside an RPC entrypoint, a timer, calls :func:`commit` itself).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast
from weakref import WeakKeyDictionary

from nameko.extensions import DependencyProvider
from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Engine,
    Result,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from services.common import config

_green_psycopg = False

#: the execution option of a connection that only reads (see :func:`reading`)
READ_ONLY = "setlist_read_only"


def make_psycopg_green() -> None:
    """Make psycopg2 yield to the eventlet hub while it waits on the server (once per process)."""
    global _green_psycopg
    if not _green_psycopg:
        from psycogreen.eventlet import patch_psycopg

        patch_psycopg()
        _green_psycopg = True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
    dbapi_connection.isolation_level = None  # transactions begin where SQLAlchemy begins them


def _one_sqlite_transaction_at_a_time(engine: Engine) -> None:
    """Serialize an engine's SQLite transactions within the process, and begin each IMMEDIATE.

    SQLite has one writer. Two green threads of one process that both read and then write would
    otherwise collide: the second's busy wait is a blocking C call that stops the eventlet hub, so
    the first can never commit, and one of them ends in "database is locked". A green (monkey-
    patched) lock held from BEGIN to COMMIT/ROLLBACK makes them take turns instead; BEGIN IMMEDIATE
    takes SQLite's write lock up front, so between processes the wait happens before anything is
    read. Reentrant: a worker that opens a second connection of its own is not blocked by itself.

    A connection of :func:`reading` writes nothing: it begins a plain (deferred) transaction, a
    snapshot from its first read on, and neither waits for the turn nor takes the write lock.
    """
    turn = threading.RLock()

    def begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
            return
        turn.acquire()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            turn.release()
            raise

    def end(connection: Connection) -> None:
        if not connection.get_execution_options().get(READ_ONLY):
            turn.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)


def make_engine(url: str) -> Engine:
    """An engine for `url`: PostgreSQL made cooperative, SQLite in WAL mode with foreign keys on."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            config.var_dir().mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        _one_sqlite_transaction_at_a_time(engine)
        return engine
    if url.startswith("postgresql"):
        make_psycopg_green()
        return create_engine(
            url, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_recycle=300
        )
    return create_engine(url, pool_pre_ping=True)


@contextmanager
def reading(session: Session) -> Iterator[Connection]:
    """A connection of the session's engine for a request that only reads, outside the session:
    without the ORM's bookkeeping of a session and its transaction (~70 µs of a read's ~300 on
    SQLite, bench/RESULTS.md), and on SQLite without waiting for this process's writers or taking
    the database's write lock. Its transaction is rolled back when the block ends. A session bound
    to one connection (a test's, whose work is never committed) is read on that connection."""
    bind = session.get_bind()
    if isinstance(bind, Connection):
        yield session.connection()
        return
    with bind.connect().execution_options(**{READ_ONLY: True}) as connection:
        yield connection


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def database_status(engine: Engine) -> str:
    """ "ok", or "down: <reason>" — for health reports; never raises."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means the database is down
        return f"down: {type(exc).__name__}"


class Database(DependencyProvider):
    """``db = Database("events")``: a SQLAlchemy session per worker, for that service's database."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.engine: Engine | None = None
        self.sessions: WeakKeyDictionary[Any, Session] = WeakKeyDictionary()

    def setup(self) -> None:
        self.engine = make_engine(config.database_url(self.service))
        self.make_session = make_sessionmaker(self.engine)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> Session:
        session = self.make_session()
        self.sessions[worker_ctx] = session
        return session

    def worker_result(self, worker_ctx: Any, result: Any = None, exc_info: Any = None) -> None:
        session = self.sessions.pop(worker_ctx, None)
        if session is None:
            return
        try:
            if exc_info is None:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()


AFTER_COMMIT = "setlist.after_commit"


def after_commit(session: Session, action: Callable[[], Any]) -> None:
    """Run `action` (a domain event's dispatch) once the RPC entrypoint has committed `session`."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


def run_after_commit(session: Session) -> None:
    for action in session.info.pop(AFTER_COMMIT, []):
        action()


def commit(session: Session) -> None:
    """Commit, then run what waited for the commit."""
    session.commit()
    run_after_commit(session)


def forget_after_commit(session: Session) -> None:
    """The write was rolled back: what was to follow its commit must not happen."""
    session.info.pop(AFTER_COMMIT, None)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC, read back aware on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run by ``Session.execute`` matched (its result is a
    cursor result, which the session's typing does not say)."""
    return cast("CursorResult[Any]", result).rowcount or 0


def utcnow() -> datetime:
    return datetime.now(UTC)
