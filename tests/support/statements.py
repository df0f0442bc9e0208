"""What a test's database session sends: the SQL of each DB-API call, to count round trips."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from services.common import json_rows


@dataclass(frozen=True)
class Sent:
    """One DB-API call: its SQL and its parameters (a dict on PostgreSQL, a tuple on SQLite)."""

    statement: str
    parameters: Any


@contextmanager
def statements_sent(db: Session) -> Iterator[list[Sent]]:
    """The statements `db` sends inside the block (an ``executemany`` counts once: look at the
    statement to see how many rows it carries)."""
    sent: list[Sent] = []
    connection = db.connection()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append(Sent(statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", record)


def rows_in(sent: Sent) -> int:
    """The rows of a (multi-row) INSERT: those of its JSON parameter (`json_rows`, PostgreSQL), else
    its ``VALUES`` tuples."""
    if isinstance(sent.parameters, dict) and json_rows.ROWS in sent.parameters:
        return len(json.loads(sent.parameters[json_rows.ROWS]))
    return sent.statement.count("), (") + 1
