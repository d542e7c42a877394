"""What every reader shares: matching part of a text, and reading a list a page at a time.

Lists are keyset-paginated, never OFFSET: each page starts after the last row of the one
before, in an order whose column is unique, so a page costs the same wherever it starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.orm import Session

PAGE = 1000
"""Rows per statement when a reader walks a whole list (`every_row`)."""


@cache
def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (the statements run here hold no other `?` or `%`)."""
    return sql.replace("?", "%s")


def cursor_rows(connection: sa.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
    """The rows (tuples) of one statement on `connection`: written with `?` placeholders and a
    sequence of params, or in the dialect's own style with a dict (SQL SQLAlchemy compiled for
    it). Run as written on the driver's cursor (`exec_driver_sql` cost three times as much,
    building result metadata no caller reads), announced to the engine's
    `before_cursor_execute` listeners as SQLAlchemy announces its own, so the request's time
    limit and read-only transaction hold as for any other statement (and the query-plan
    tests and the bench's raw-SQL replay see it). A driver error is raised as SQLAlchemy's,
    the connection invalidated if it died. Values come as the driver gives them: text for
    enums, and for dates on SQLite."""
    dialect = connection.dialect
    if not isinstance(params, dict):
        params = tuple(params)
        if dialect.paramstyle != "qmark":  # psycopg
            sql = _pyformat(sql)
    dbapi_connection = connection.connection.dbapi_connection
    cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        connection.dispatch.before_cursor_execute(connection, cursor, sql, params, None, False)
        cursor.execute(sql, params)
        return cursor.fetchall()
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, cursor):  # type: ignore[arg-type]
            connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error,
                                         dialect=dialect) from error  # fmt: skip
    finally:
        cursor.close()


def driver_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """`cursor_rows` on the session's connection (the system reads': a system's lookup runs
    seven statements, and through `exec_driver_sql` each built result metadata no one read)."""
    return cursor_rows(session.connection(), sql, params)


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
