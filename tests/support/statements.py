"""What a test's database session sends: the SQL of each DB-API call, to count round trips."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def statements_sent(db: Session) -> Iterator[list[str]]:
    """The statements `db` sends inside the block (an ``executemany`` counts once: look at the
    statement to see how many rows it carries)."""
    sent: list[str] = []
    connection = db.connection()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def rows_in(statement: str) -> int:
    """The rows of a (multi-row) INSERT: its ``VALUES`` tuples."""
    return statement.count("), (") + 1
