"""Dependencies: the read-only session with a query time limit, the settings.

The session dependency is `async` and opens no connection itself: the connection is
checked out by the first query, in the endpoint's worker thread. So a request costs one
hop to the thread pool, not three (a sync generator dependency runs its setup and its
teardown in the pool too). The time limit travels with the request as a context variable
(the worker thread runs in a copy of the request's context) and is enforced at checkout:
SQLite's progress handler, PostgreSQL's statement_timeout (shortened, statement by statement,
to what the request has left).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from sqlmodel import Session

from equipment_db.config import Settings

_deadline: ContextVar[float | None] = ContextVar("equipment_db_query_deadline", default=None)
_timeout_ms: ContextVar[int | None] = ContextVar("equipment_db_query_timeout_ms", default=None)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def _past_deadline() -> int:
    deadline = _deadline.get()
    return int(deadline is not None and time.monotonic() > deadline)


_SET = "equipment_db_statement_timeout_ms"  # what the connection's statement_timeout is now
_SLACK_MS = 50  # a statement starting this much later than the last SET gets a shorter one


def install_query_limit(engine: sa.Engine) -> None:
    """Make every connection `engine` hands out obey the deadline of the request using it."""
    if sa.event.contains(engine, "checkout", _limit_on_checkout):
        return
    sa.event.listen(engine, "checkout", _limit_on_checkout)
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine, "before_cursor_execute", _limit_before_statement)


def _limit_on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    if hasattr(dbapi_connection, "set_progress_handler"):  # SQLite: checked every 10,000 VM steps
        dbapi_connection.set_progress_handler(_past_deadline, 10_000)
        return
    timeout = _timeout_ms.get()
    record.info.pop(_SET, None)
    if timeout is not None:  # PostgreSQL: part of the transaction the request's queries run in
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(timeout)}")
        record.info[_SET] = int(timeout)


def _limit_before_statement(conn: sa.Connection, cursor: Any, *_args: Any) -> None:
    """PostgreSQL's statement_timeout limits each statement; the request's limit is for all of
    them. So a later statement gets only the time the request has left (at least 1 ms: past
    the deadline, the server cancels it and the request answers 503)."""
    current, deadline = conn.info.get(_SET), _deadline.get()
    if current is None or deadline is None:
        return
    left = max(1, int((deadline - time.monotonic()) * 1000))
    if left + _SLACK_MS < current:
        cursor.execute(f"SET statement_timeout = {left}")
        conn.info[_SET] = left


def _start_limit(timeout_ms: int) -> tuple[Token[float | None], Token[int | None]]:
    return _deadline.set(time.monotonic() + timeout_ms / 1000), _timeout_ms.set(timeout_ms)


@contextmanager
def query_time_limit(timeout_ms: int) -> Iterator[None]:
    """Queries started inside this block (in this context) stop after `timeout_ms`."""
    deadline, timeout = _start_limit(timeout_ms)
    try:
        yield
    finally:
        _deadline.reset(deadline)
        _timeout_ms.reset(timeout)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A read-only session whose queries stop after `settings.query_timeout_ms`; its
    transaction never commits. No `reset` of the limit: the request's context ends here."""
    state = request.app.state
    _start_limit(int(state.settings.query_timeout_ms))
    session = Session(bind=state.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


async def reject_nul_characters(request: Request) -> None:
    """No key or text of this API holds a NUL character, and PostgreSQL text cannot (the
    driver refuses it: a 500). A parameter holding one is refused, as invalid, on every
    engine, before any query. Installed on every route by `create_app`; `async` (it does no
    I/O) so that it costs no hop to the thread pool."""
    named = [("path", k, v) for k, v in request.path_params.items()]
    for location, name, value in named + [("query", k, v) for k, v in request.query_params.multi_items()]:
        if isinstance(value, str) and "\x00" in value:
            raise RequestValidationError([{"type": "value_error", "loc": (location, name), "input": value,
                                           "msg": "must not contain a NUL character"}])  # fmt: skip


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
