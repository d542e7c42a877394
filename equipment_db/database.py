"""Engines and transactions on SQLite and PostgreSQL.

SQLite: WAL, foreign keys, a busy timeout; pysqlite's own transaction handling is
switched off so that we emit BEGIN ourselves, and write transactions start with
`BEGIN IMMEDIATE` (a deferred read-then-write transaction fails with "database is
locked" under concurrency even with a busy timeout).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from equipment_db.config import Settings, shown_url
from equipment_db.errors import InvalidValue

_WRITE_OPTION = "equipment_db_write"


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def parsed_url(url: str) -> sa.URL:
    """The URL read by SQLAlchemy; one that it cannot read is refused in one line, with its
    password masked (SQLAlchemy's own message may quote it)."""
    try:
        return make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise InvalidValue("database URL", shown_url(url), "is not a database URL "
                           "(dialect[+driver]://user:password@host:port/name)") from None  # fmt: skip


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other engines or in-memory databases)."""
    parsed = parsed_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_db_engine(settings: Settings, *, pool_size: int | None = None) -> sa.Engine:
    """An engine on the settings' database; a SQLite file's folder is created if missing
    (commands that only read check first that the file exists: bootstrap.open_existing).
    `pool_size` fixes its pool (no overflow): the API sizes it to its threads, so that a
    thread never waits for a connection."""
    url = settings.database_url
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    pool: dict[str, Any] = {}
    if pool_size is not None and (path is not None or parsed_url(url).get_backend_name() != "sqlite"):
        pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": settings.query_timeout_ms / 1000}
    try:
        engine = sa.create_engine(parsed_url(url), echo=settings.echo_sql, future=True, **pool)
    except sa.exc.ArgumentError as exc:  # e.g. a driver not installed; its message may quote the URL
        raise InvalidValue("database URL", shown_url(url), f"cannot be opened ({type(exc).__name__})") from None
    if is_sqlite(engine):
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
    return engine


def _configure_sqlite(engine: sa.Engine, busy_timeout_ms: int) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def write_engine(engine: sa.Engine) -> sa.Engine:
    """The same engine, marked so that its transactions take the write lock at BEGIN."""
    return engine.execution_options(**{_WRITE_OPTION: True})


@contextmanager
def session_scope(engine: sa.Engine, *, write: bool = False) -> Iterator[Session]:
    """One editor action, one transaction: commit on success, roll back on any error. Before
    it commits, a write scope recomputes the stored summaries its writes changed
    (`analysis.stored.refresh`), in the same transaction.

    Read scopes (`write=False`) never commit.
    """
    bind = write_engine(engine) if write else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
        if write:
            from equipment_db.analysis import stored  # the summaries are computed above this module

            stored.refresh(session)
            session.commit()
        # A read scope just closes: its transaction ends without expiring what it loaded.
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
