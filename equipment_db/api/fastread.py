"""The fast read path: one request's connection, checked out once, running prepared SQL
through the driver.

A `Reader` is what the hot routes get instead of an ORM session (`read`). It checks out
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

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlmodel import Session

from equipment_db.api.deps import _sessions, _start_limit, large_answers
from equipment_db.pages.negotiate import prefers_html
from equipment_db.reads import cursor_rows

T = TypeVar("T")


class Reader:
    """What a hot route needs of its request, in one object (each dependency more cost FastAPI
    tens of microseconds): its connection, where `rows(sql, params)` runs a statement written
    with `?` placeholders on either engine; `session`, an ORM session holding that connection;
    the app's `settings`; and whether the client `wants_html` (`negotiate.prefers_html`)."""

    def __init__(self, engine: sa.Engine, settings: Any = None, *, wants_html: bool = False) -> None:
        self.engine, self.settings, self.wants_html = engine, settings, wants_html
        self.dialect = engine.dialect
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
        """`reads.cursor_rows` on the request's one connection."""
        return cursor_rows(self.connection, sql, params)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()  # and the connection it holds
        elif self._connection is not None:
            self._connection.close()  # back to the pool, rolled back


async def read(request: Request, work: Callable[..., T], *args: Any, large_page: bool = False) -> T:
    """`work(reader, *args)` in one trip to the thread pool. As `deps.get_session`: one of
    `api_threads` readers per request, under the request's time limit, closed when `work`
    has built the answer. The hot routes are `async` and call it: a generator dependency
    and a sync route cost FastAPI tens of microseconds a request more (measured).
    `large_page`: the route's HTML page is a large answer (`deps.large_answer`); a client that
    wants the page takes one of their places first."""
    state = request.app.state
    wants_html = prefers_html(request.headers.get("accept"))
    async with large_answers(state) if large_page and wants_html else nullcontext(), _sessions(state):
        _start_limit(int(state.settings.query_timeout_ms))
        reader = Reader(state.engine, state.settings, wants_html=wants_html)
        try:
            return await run_in_threadpool(work, reader, *args)
        finally:
            reader.close()


def json_response(model: BaseModel) -> Response:
    """The JSON FastAPI would write for a route's declared response model, serialised once
    (in Rust) and not validated again: a route returns it in place of the model."""
    return Response(model.model_dump_json(), media_type="application/json")
