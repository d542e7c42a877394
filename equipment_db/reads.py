"""What every reader shares: matching part of a text, and reading a list a page at a time.

Lists are keyset-paginated, never OFFSET: each page starts after the last row of the one
before, in an order whose column is unique, so a page costs the same wherever it starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

PAGE = 1000
"""Rows per statement when a reader walks a whole list (`every_row`)."""


def driver_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """The rows of one statement written with `?` placeholders, run as written (no statement
    to build or compile) on the session's connection, so that the request's time limit and
    read-only transaction hold as for any other statement (the engine's events fire). Values
    come as the driver gives them: text for enums, and for dates on SQLite."""
    connection = session.connection()
    if connection.dialect.paramstyle != "qmark":  # psycopg: %s (the SQL holds no literal %)
        sql = sql.replace("?", "%s")
    return connection.exec_driver_sql(sql, tuple(params)).all()


def placeholders(n: int) -> str:
    """`?, ?, ?` for an IN list of `n` values (at least one)."""
    return ", ".join("?" * max(1, n))


def like_pattern(text: str) -> str:
    """A LIKE pattern for "contains `text`, any case": the % and _ a person typed match
    themselves (escaped with a backslash, which `contains` declares)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column: Any, text: str) -> Any:
    """`column` contains `text`, any case; % and _ match themselves."""
    return func.lower(column).like(like_pattern(text), escape="\\")


def every_row(
    read_page: Callable[[Any, int], list[dict[str, Any]]], *, position: str, size: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every row of a keyset-paginated list, `size` (PAGE) rows per read.

    `read_page(after, limit)` reads up to `limit` rows after the position `after` (None: from
    the start); `position` names the row field that holds a row's position in that order."""
    size = size or PAGE
    after = None
    while True:
        rows = read_page(after, size)
        yield from rows
        if len(rows) < size:
            return
        after = rows[-1][position]
