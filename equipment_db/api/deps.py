"""Dependencies: the read-only session with a query time limit, the settings, and the entry a
path names ("load it or 404": `ClaimDep`, `SourceDep`, `SourceIdDep`, `SystemDep`, `ActorDep`).

The session dependency is `async` and opens no connection itself: the connection is
checked out by the first query, in the endpoint's worker thread. So a request costs one
hop to the thread pool, not three (a sync generator dependency runs its setup and its
teardown in the pool too). The time limit travels with the request as a context variable
(the worker thread runs in a copy of the request's context) and is enforced at checkout:
SQLite's progress handler, PostgreSQL's statement_timeout (shortened, statement by statement,
to what the request has left). On PostgreSQL the request's transaction is also READ ONLY, as
it is on a hot standby (docs/DEPLOY.md): a write there fails on the primary too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Annotated, Any

import anyio
import sqlalchemy as sa
from fastapi import Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from sqlmodel import Session

from equipment_db.actors import queries as actor_queries
from equipment_db.actors.models import Actor
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog.models import System
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import Claim
from equipment_db.config import Settings
from equipment_db.pages import finding as finding_pages
from equipment_db.sources import queries as source_queries
from equipment_db.sources.models import Source

_deadline: ContextVar[float | None] = ContextVar("equipment_db_query_deadline", default=None)
_timeout_ms: ContextVar[int | None] = ContextVar("equipment_db_query_timeout_ms", default=None)


async def get_settings(request: Request) -> Settings:
    """`async`: reading the app's state costs no hop to the thread pool."""
    return request.app.state.settings


def _past_deadline() -> int:
    deadline = _deadline.get()
    return int(deadline is not None and time.monotonic() > deadline)


_SET = "equipment_db_statement_timeout_ms"  # what the connection's statement_timeout is now
_SLACK_MS = 50  # a statement starting this much later than the last SET gets a shorter one


def install_query_limit(engine: sa.Engine) -> None:
    """Make every connection `engine` hands out obey the deadline of the request using it
    (and, on PostgreSQL, run the request's transaction READ ONLY)."""
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
    if timeout is not None:  # PostgreSQL: this opens the transaction the request's queries run in,
        with dbapi_connection.cursor() as cursor:  # read-only: the API may serve from a hot standby
            cursor.execute(f"SET TRANSACTION READ ONLY; SET statement_timeout = {int(timeout)}")
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
    transaction never commits. No `reset` of the limit: the request's context ends here.

    A request waits here, in the event loop, for one of `api_threads` sessions, and holds it
    until its answer is built. A request that holds a connection may still need a worker
    thread (its answer is validated in the pool); were the threads free to wait for the pool
    instead, 15 greedy requests deadlocked the API until the pool's timeout. So threads never
    wait for a connection: there are no more sessions than the pool holds for them."""
    state = request.app.state
    async with _sessions(state):
        _start_limit(int(state.settings.query_timeout_ms))
        session = Session(bind=state.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


@contextmanager
def read_session(state: Any) -> Iterator[Session]:
    """A read-only session for work that runs outside the request's own (a lane's thread),
    under the same time limit, counted from now; closed at the end of the block."""
    with query_time_limit(int(state.settings.query_timeout_ms)):
        session = Session(bind=state.engine, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


def _sessions(state: Any) -> anyio.Semaphore:
    """The app's semaphore of sessions (`api_threads` places)."""
    return _places(state, "sessions", int(state.settings.api_threads))


def large_answers(state: Any) -> anyio.Semaphore:
    """The app's semaphore of large answers (`large_answers` places): see `large_answer`."""
    return _places(state, "large_answers", int(state.settings.large_answers))


def _places(state: Any, name: str, places: int) -> anyio.Semaphore:
    """The app's semaphore `name`, made in the running event loop (a test client may run each
    request in a loop of its own)."""
    loop = asyncio.get_running_loop()
    held = getattr(state, name, None)
    if held is None or held[0] is not loop:
        held = (loop, anyio.Semaphore(places))
        setattr(state, name, held)
    return held[1]


async def large_answer(request: Request) -> AsyncIterator[None]:
    """One of `settings.large_answers` places, for a route whose answer may be megabytes (a
    busy system's quantities, timeline or page): each one being built holds its rows, its
    text and its bytes at once, so eight at once took the API's memory from ~95 to ~370 MiB
    at the benchmark's M. One at a time (the default) is as fast under the GIL: at M under 16
    connections, the busiest system's page peaked at 135 MiB (5.2 pages/s), against 162 MiB
    with two (4.8/s). Taken in the event loop before the request's session (a request waiting
    here holds no connection and no thread) and held until the answer is built. Others wait
    their turn, as for a session; none is refused."""
    async with large_answers(request.app.state):
        yield


async def check_request(request: Request) -> None:
    """Installed on every route by `create_app`: `reject_nul_characters`, then the pages'
    `drop_empty_fields`. One dependency, `async` (it does no I/O, so no hop to the thread
    pool): FastAPI solves each dependency of every request anew."""
    await reject_nul_characters(request)
    await finding_pages.drop_empty_fields(request)


async def reject_nul_characters(request: Request) -> None:
    """No key or text of this API holds a NUL character, and PostgreSQL text cannot (the
    driver refuses it: a 500). A parameter holding one is refused, as invalid, on every
    engine, before any query."""
    named = [("path", k, v) for k, v in request.path_params.items()]
    for location, name, value in named + [("query", k, v) for k, v in request.query_params.multi_items()]:
        if isinstance(value, str) and "\x00" in value:
            raise RequestValidationError([{"type": "value_error", "loc": (location, name), "input": value,
                                           "msg": "must not contain a NUL character"}])  # fmt: skip


# Closed when the endpoint's answer is built, before a byte of it is sent: a client that
# reads slowly (or never) holds a socket, not one of the pool's connections.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# On a route's decorator (`dependencies=[LargeAnswer]`), which FastAPI solves before the
# parameters' own: the place is taken before the session.
LargeAnswer = Depends(large_answer, scope="function")
SettingsDep = Annotated[Settings, Depends(get_settings)]


# --- The entry a path names: loaded, or a problem naming the path's parameter ---------------
# Sync, so that the query runs in the worker thread pool like the endpoint's own.

ClaimId = Annotated[str, Path(description="Claim id, e.g. C-YSESYR2E (any case, dash optional).",
                              examples=["C-YSESYR2E"], max_length=20)]  # fmt: skip
SourceId = Annotated[str, Path(description="Source id, e.g. S-PJZ2YVHP (any case, dash optional).",
                               examples=["S-PJZ2YVHP"], max_length=20)]  # fmt: skip
SystemKey = Annotated[str, Path(description="Slug or any alias (any case and punctuation).",
                                examples=["igla-s"], min_length=1, max_length=200)]  # fmt: skip
ActorName = Annotated[str, Path(description="The actor's name, any case, URL-encoded.",
                                examples=["Nicolás Maduro"], min_length=1, max_length=200)]  # fmt: skip


def claim_in_path(session: SessionDep, claim_id: ClaimId) -> Claim:
    """By public id: 400 for what is not a claim id, 404 for an unknown one."""
    return claim_queries.get_claim(session, claim_id, field="claim_id")


def source_in_path(session: SessionDep, source_id: SourceId) -> Source:
    """By public id or URL: 404 for anything not found."""
    return source_queries.get_source(session, source_id, field="source_id")


def source_id_in_path(session: SessionDep, source_id: SourceId) -> Source:
    """By public id only: 400 for what is not a source id, 404 for an unknown one."""
    return source_queries.get_source_by_id(session, source_id, field="source_id")


def system_in_path(session: SessionDep, key: SystemKey) -> System:
    """By slug or any alias: 404 for an unknown key, 409 for an alias of several systems."""
    return catalog_queries.get_system(session, key, field="key")


def actor_in_path(session: SessionDep, name: ActorName) -> Actor:
    """By name, any case: 404 for an unknown one."""
    return actor_queries.get_actor(session, name, field="name")


async def version_in_path(version: Annotated[int, Path(ge=1, le=1_000_000)]) -> int:
    """A version number in a path (`.../versions/{version}`); a dependency, as the entry's
    is, so that the documented parameters keep their order: the entry, then the version."""
    return version


ClaimDep = Annotated[Claim, Depends(claim_in_path)]
SourceDep = Annotated[Source, Depends(source_in_path)]
SourceIdDep = Annotated[Source, Depends(source_id_in_path)]
SystemDep = Annotated[System, Depends(system_in_path)]
ActorDep = Annotated[Actor, Depends(actor_in_path)]
VersionDep = Annotated[int, Depends(version_in_path)]
