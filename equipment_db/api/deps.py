"""Dependencies: the read-only session with a query time limit, the settings."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlmodel import Session

from equipment_db.config import Settings
from equipment_db.database import is_sqlite


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A read-only session; its transaction never commits. Queries stop after
    `settings.query_timeout_ms` (SQLite progress handler, PostgreSQL statement_timeout)."""
    engine: sa.Engine = request.app.state.engine
    limit_ms = request.app.state.settings.query_timeout_ms
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if is_sqlite(engine):
            deadline = time.monotonic() + limit_ms / 1000
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        session = Session(bind=connection, expire_on_commit=False)
        try:
            if not is_sqlite(engine):
                session.execute(sa.text(f"SET LOCAL statement_timeout = {int(limit_ms)}"))
            yield session
        finally:
            session.rollback()
            session.close()
            if is_sqlite(engine):
                raw.set_progress_handler(None, 0)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
