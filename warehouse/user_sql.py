"""A person's own SQL (`newsflow sql`): queries only, and every statement answered or none.

The connection (warehouse/connection.py `connect_reader`) already refuses to write, attach,
install or reach a file. This refuses, before anything runs, what that lock does not cover: any
statement that is not a query (so the message is ours, not a permission error), and the table
functions that change the session instead of answering. `enable_logging(storage='file')` is one:
locked out of the file system it makes every later statement fail and the process abort on exit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

# DESCRIBE, SHOW, SUMMARIZE, FROM-first and VALUES parse as SELECT too.
QUERY_TYPES = {duckdb.StatementType.SELECT}
SESSION_FUNCTIONS = {"enable_logging", "disable_logging", "truncate_duckdb_logs"}
# Functions that run SQL given as a string, which the checks here would not see.
SQL_RUNNING_FUNCTIONS = {"query", "query_table", "json_execute_serialized_sql"}
SERIALIZED = "SELECT json_serialize_sql(?)"


class QueryRefusedError(ValueError):
    """A statement `newsflow sql` does not run; the message says which and why."""


@dataclass(frozen=True)
class Answer:
    columns: list[str]
    rows: list[tuple]

    @classmethod
    def of(cls, relation: duckdb.DuckDBPyRelation) -> Answer:
        return cls(relation.columns, relation.fetchall())


def answer_all(con: duckdb.DuckDBPyConnection, text: str) -> list[Answer]:
    """The answer to each statement of `text`, in order; raises before running any if one is refused."""
    statements = con.extract_statements(text)
    if not statements:
        raise QueryRefusedError('no SQL statement given: write a query, e.g. "SELECT * FROM runs"')
    for number, statement in enumerate(statements, start=1):
        refuse_unless_query(con, statement, f"statement {number}" if len(statements) > 1 else "the statement")
    answers = []
    for statement in statements:
        cursor = con.execute(statement)
        answers.append(Answer([column[0] for column in cursor.description], cursor.fetchall()))
    return answers


def refuse_unless_query(con: duckdb.DuckDBPyConnection, statement: duckdb.Statement, which: str) -> None:
    if statement.type not in QUERY_TYPES:
        raise QueryRefusedError(
            f"{which} is {statement.type.name}: `newsflow sql` only reads (SELECT, WITH, FROM, DESCRIBE, SHOW, "
            "SUMMARIZE); nothing was run"
        )
    tree = json.loads(con.execute(SERIALIZED, [statement.query]).fetchone()[0])
    if tree.get("error"):
        raise QueryRefusedError(f"{which} cannot be checked ({tree.get('error_message')}); nothing was run")
    called = set(function_names(tree))
    if refused := sorted(called & (SESSION_FUNCTIONS | SQL_RUNNING_FUNCTIONS)):
        raise QueryRefusedError(f"{which} calls {', '.join(refused)}, which `newsflow sql` does not run")


def function_names(node: Any) -> Iterator[str]:
    """Every function a serialized statement calls, at any depth."""
    if isinstance(node, dict):
        if isinstance(name := node.get("function_name"), str):
            yield name.lower()
        for value in node.values():
            yield from function_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from function_names(value)
