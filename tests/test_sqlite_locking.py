"""SQLite: WAL, foreign keys, busy timeout; write transactions take the lock at BEGIN."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from equipment_db import migrate
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import TargetType, TargetTypeCreate
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, session_scope
from tests.factories import EDIT


@pytest.fixture
def sqlite_engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_db_engine(
        get_settings(url=f"sqlite:///{tmp_path / 'lock.sqlite3'}", sqlite_busy_timeout_ms=10_000)
    )
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_engine: sa.Engine) -> None:
    with sqlite_engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert (pragma("journal_mode"), pragma("foreign_keys"), pragma("busy_timeout")) == ("wal", 1, 10_000)


def test_a_write_scope_holds_the_write_lock_from_its_first_statement(sqlite_engine: sa.Engine) -> None:
    path = sqlite_engine.url.database
    with session_scope(sqlite_engine, write=True) as session:
        session.exec(select(TargetType)).all()  # a read, yet the write lock is already held
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    with session_scope(sqlite_engine) as session:  # a read scope takes no write lock
        session.exec(select(TargetType)).all()
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


def test_concurrent_read_then_write_transactions_all_succeed(sqlite_engine: sa.Engine) -> None:
    """Deferred transactions that read then write fail with 'database is locked' under this load."""
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for n in range(15):
                with session_scope(sqlite_engine, write=True) as session:
                    session.exec(select(TargetType)).all()
                    catalog_service.create_target_type(
                        session,
                        TargetTypeCreate(slug=f"t-{worker}-{n}", name=f"Test {worker} {n}"),
                        edit=EDIT,
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(sqlite_engine) as session:
        assert len(session.exec(select(TargetType)).all()) == 60
