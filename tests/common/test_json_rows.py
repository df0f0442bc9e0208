"""A batch of rows through `json_rows`: as they were, and on PostgreSQL as one parameter."""

import pytest
from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, select

from services.common import json_rows
from services.playstate.userdata import dialect_insert
from tests.support.statements import rows_in, statements_sent

TABLE = Table(
    "json_rows_test",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("number", BigInteger, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("text", String(40), nullable=True),
)
ODD = 'O\'Brien "x" \\ é 🎵 %(rows)s ?'


@pytest.fixture
def db(session_for):
    """A session whose table (made in the test's transaction) goes with its rollback."""
    session = session_for("playstate")
    TABLE.create(session.connection())
    return session


def test_rows_come_back_as_they_were_in_one_statement(db):
    rows = [
        {"number": 2**63 - 1, "flag": True, "text": ODD},
        {"number": -(2**63), "flag": False, "text": ""},
        {"number": None, "flag": None, "text": None},
    ]
    statement = json_rows.rows_insert(dialect_insert(db), TABLE).returning(
        TABLE.c.number, TABLE.c.flag, TABLE.c.text
    )
    with statements_sent(db) as sent:
        written = json_rows.execute(db, statement, rows).all()
    [insert] = sent
    assert rows_in(insert) == 3
    if db.get_bind().dialect.name == "postgresql":
        assert list(insert.parameters) == [json_rows.ROWS]
    assert sorted(map(tuple, written), key=repr) == sorted(
        (tuple(row.values()) for row in rows), key=repr
    )


def test_rows_are_found_by_a_batch_of_keys_in_one_parameter(db):
    rows = [
        {"number": 2**63 - 1, "flag": True, "text": ODD},
        {"number": 1, "flag": False, "text": ODD},
        {"number": 1, "flag": False, "text": "other"},
    ]
    json_rows.execute(db, json_rows.rows_insert(dialect_insert(db), TABLE), rows)
    dialect = db.get_bind().dialect.name
    key = [TABLE.c.number, TABLE.c.text]
    statement = select(TABLE.c.number, TABLE.c.text).where(json_rows.rows_in(dialect, key))
    keys = {(2**63 - 1, ODD), (1, ODD), (2, ODD)}
    with statements_sent(db) as sent:
        found = db.execute(statement, json_rows.keys_parameter(dialect, key, keys)).all()
    assert sorted(map(tuple, found)) == [(1, ODD), (2**63 - 1, ODD)]
    if dialect == "postgresql":
        [query] = sent
        assert list(query.parameters) == [json_rows.ROWS]
