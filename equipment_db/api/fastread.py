"""The fast read path: one request's connection, checked out once, running prepared SQL
through the driver.

A `Reader` is what the hot routes get instead of an ORM session (`ReaderDep`). It checks out
one pooled connection on its first statement (in the endpoint's worker thread, as the
session does), so the engine's checkout hook applies the request's time limit exactly as it
does for a session: SQLite's progress handler; on PostgreSQL a READ ONLY transaction and its
statement_timeout, shortened before each statement to what the request has left (the
engine's `before_cursor_execute` hook, which `rows` calls). A driver error is
raised as SQLAlchemy's own wrapper (`sqlalchemy.exc.OperationalError`, ...), so the API's
problem handlers answer it as they answer the ORM's: a 503 for a timeout, one problem body
for anything else. What a hot route does not run by prepared SQL (an HTML page)
uses `reader.session`, an ORM session holding the same one connection: a request never
holds two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from functools import cache
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from equipment_db.api.deps import _sessions, _start_limit
from equipment_db.pages.negotiate import prefers_html


@cache
def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (the statements here hold no other `?` or `%`)."""
    return sql.replace("?", "%s")


class Reader:
    """What a hot route needs of its request, in one dependency (each one more cost FastAPI
    tens of microseconds): its connection, where `rows(sql, params)` runs a statement written
    with `?` placeholders on either engine; `session`, an ORM session holding that connection;
    the app's `settings`; and whether the client `wants_html` (`negotiate.prefers_html`)."""

    def __init__(self, engine: sa.Engine, settings: Any = None, *, wants_html: bool = False) -> None:
        self.engine, self.settings, self.wants_html = engine, settings, wants_html
        self.dialect = engine.dialect
        self._postgresql = engine.dialect.name == "postgresql"
        self._connection: sa.Connection | None = None
        self._session: Session | None = None

    @property
    def connection(self) -> sa.Connection:
        if self._connection is None:
            self._connection = self._session.connection() if self._session is not None else self.engine.connect()
        return self._connection

    @property
    def session(self) -> Session:
        """An ORM session bound to the engine (pages ask it for its engine), holding the
        request's one connection: the reader's own, if it had one, is given back first."""
        if self._session is None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            self._session = Session(bind=self.engine, expire_on_commit=False)
        return self._session

    def rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        """The rows of one statement (tuples): written with `?` placeholders and a sequence
        of params, or in the dialect's own style with a dict (SQL SQLAlchemy compiled for it).

        On the driver's cursor (`exec_driver_sql` cost three times as much, building result
        metadata no caller reads), announced to the engine's `before_cursor_execute`
        listeners as SQLAlchemy announces its own (PostgreSQL's time limit; the query-plan
        tests; the bench's raw-SQL replay). A driver error is raised as SQLAlchemy's, the
        connection invalidated if it died."""
        if not isinstance(params, dict):
            params = tuple(params)
            if self._postgresql:
                sql = _pyformat(sql)
        connection = self.connection
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            connection.dispatch.before_cursor_execute(connection, cursor, sql, params, None, False)
            cursor.execute(sql, params)
            return cursor.fetchall()
        except self.dialect.loaded_dbapi.Error as error:
            if self.dialect.is_disconnect(error, dbapi_connection, cursor):  # type: ignore[arg-type]
                connection.invalidate(error)
            raise sa.exc.DBAPIError.instance(
                sql, params, error, self.dialect.loaded_dbapi.Error, dialect=self.dialect
            ) from error
        finally:
            cursor.close()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()  # and the connection it holds
        elif self._connection is not None:
            self._connection.close()  # back to the pool, rolled back


async def get_reader(request: Request) -> AsyncIterator[Reader]:
    """As `deps.get_session`: one of `api_threads` per request, under the request's time
    limit, released when the endpoint's answer is built."""
    state = request.app.state
    async with _sessions(state):
        _start_limit(int(state.settings.query_timeout_ms))
        reader = Reader(state.engine, state.settings, wants_html=prefers_html(request.headers.get("accept")))
        try:
            yield reader
        finally:
            reader.close()


ReaderDep = Annotated[Reader, Depends(get_reader, scope="function")]


def json_response(model: BaseModel) -> Response:
    """The JSON FastAPI would write for a route's declared response model, serialised once
    (in Rust) and not validated again: a route returns it in place of the model."""
    return Response(model.model_dump_json(), media_type="application/json")
