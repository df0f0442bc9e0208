"""A batch of rows sent to PostgreSQL as one JSON parameter, not as one parameter a value.

Executed with a list of rows, an INSERT goes as one multi-row ``VALUES`` (SQLAlchemy's
"insertmanyvalues") with a bound parameter for each value, and psycopg2 interpolates each into the
SQL on the client at 0.6-0.9 µs: a progress batch of 60 playback sessions has 1,200 of them,
1.2-2 ms of the process's CPU, where one 12 KB string parameter costs about 10 µs. So on PostgreSQL
the rows go as one JSON array that the server expands with ``json_to_recordset``, typed as the
table's columns. SQLite, which has no such cost, keeps the multi-row ``VALUES``. A batch's keys
to look up go the same way (`rows_in`): ``(a, b) IN (…)`` with a parameter a value also had
SQLAlchemy render the placeholders anew on every call, ~1.2 ms of CPU for 60 keys of three columns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import (
    Column,
    ColumnElement,
    Result,
    String,
    Table,
    bindparam,
    cast,
    column,
    func,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

#: the bound parameter that carries the rows' JSON array
ROWS = "rows"

Insert = postgresql.Insert | sqlite.Insert


def rows_insert(insert: Callable[[Table], Insert], table: Table) -> Insert:
    """`insert(table)` (``postgresql.insert`` or ``sqlite.insert``), for `execute` to run with a
    batch of rows. On PostgreSQL it is ``INSERT … SELECT … FROM json_to_recordset(:rows)`` over
    every column but the generated key, each typed as the table has it (a JSON null is NULL, a
    number up to a BIGINT's range is read exactly); the rows stay in their order. A column a row
    leaves out is NULL there, not the column's default: the rows must carry every column that has
    one."""
    statement = insert(table)
    if insert is not postgresql.insert:
        return statement
    columns = [each for each in table.columns if each is not table.autoincrement_column]
    return statement.from_select([each.name for each in columns], _recordset(columns))


def rows_in(dialect: str, columns: Sequence[Column[Any]]) -> ColumnElement[bool]:
    """``(columns…) IN`` a batch of keys, for `keys_parameter` to send: on PostgreSQL the rows of
    their JSON array, elsewhere an expanding parameter (one placeholder a value)."""
    if dialect == "postgresql":
        return tuple_(*columns).in_(_recordset(columns))
    return tuple_(*columns).in_(bindparam(ROWS, expanding=True))


def keys_parameter(
    dialect: str, columns: Sequence[Column[Any]], keys: Collection[tuple[Any, ...]]
) -> dict[str, Any]:
    """The parameters of `dialect`'s `rows_in` statement for `keys` (tuples of the columns'
    values)."""
    if dialect == "postgresql":
        names = [str(each.name) for each in columns]  # orjson takes no str subclass as a key
        return {ROWS: _encode([dict(zip(names, key, strict=True)) for key in keys])}
    return {ROWS: list(keys)}


def _recordset(columns: Sequence[Column[Any]]) -> Any:
    """``SELECT … FROM json_to_recordset(:rows)``, typed as `columns` (a JSON null is NULL, a
    number up to a BIGINT's range is read exactly)."""
    recordset = (
        func.json_to_recordset(cast(bindparam(ROWS, type_=String), postgresql.JSON))
        .table_valued(*(column(each.name, each.type) for each in columns))
        .render_derived(with_types=True)
    )
    return select(*recordset.c)


def execute(session: Session, statement: Executable, rows: list[dict[str, Any]]) -> Result[Any]:
    """Run a `rows_insert` statement (or one built on it) with `rows`, whose values are str, int,
    bool or None: as one JSON text on PostgreSQL, else as the list itself."""
    if session.get_bind().dialect.name == "postgresql":
        return session.execute(statement, {ROWS: _encode(rows)})
    return session.execute(statement, rows)


def _encode(rows: list[dict[str, Any]]) -> str:
    # orjson: a fifth of json.dumps's time (0.3 ms for 60 sessions); UTF-8 left as it is, so
    # that it reaches the server as any string parameter does
    return orjson.dumps(rows).decode()
