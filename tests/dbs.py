"""Fresh databases for tests, on SQLite and PostgreSQL, cloned from migrated templates.

PostgreSQL: EQUIPMENT_DB_TEST_PG_URL (default postgres@127.0.0.1:5432/test). When it
cannot be reached the PostgreSQL half of each test is skipped with the reason shown,
unless EQUIPMENT_DB_REQUIRE_POSTGRES=1 (CI), where that is an error.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from equipment_db import migrate
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, session_scope
from equipment_db.models import metadata
from equipment_db.seed.loader import load

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
ENGINES = ("sqlite", "postgresql")
DROP_CONNECTIONS = 15  # the admin engine's pool (5) and its overflow (10)
_counter = itertools.count()


def pg_admin_url() -> str:
    return os.environ.get("EQUIPMENT_DB_TEST_PG_URL", DEFAULT_PG_URL)


def postgres_required() -> bool:
    return os.environ.get("EQUIPMENT_DB_REQUIRE_POSTGRES") == "1"


def postgres_unreachable_reason() -> str | None:
    engine = sa.create_engine(pg_admin_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL not reachable at {make_url(pg_admin_url()).render_as_string()}: {exc.orig}"
    finally:
        engine.dispose()
    return None


def engine_for(url: str) -> sa.Engine:
    return create_db_engine(get_settings(url=url))


class DatabaseFactory:
    """Hands out fresh databases: blank, migrated, or migrated and seeded."""

    def __init__(self, name: str, workdir: Path) -> None:
        self.name = name
        self.workdir = workdir
        self.prefix = f"edb_test_{os.getpid()}"
        self._templates: dict[str, str] = {}
        self._created: list[str] = []
        self._admin = (
            sa.create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT") if name == "postgresql" else None
        )

    def blank(self) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.workdir / f'db{next(_counter)}.sqlite3'}"
        return self._create_pg(f"{self.prefix}_{next(_counter)}", template=None)

    def migrated(self) -> str:
        return self._clone("migrated", self._build_migrated)

    def seeded(self) -> str:
        return self._clone("seeded", self._build_seeded)

    def _build_migrated(self, url: str) -> None:
        engine = engine_for(url)
        migrate.upgrade(engine)
        engine.dispose()

    def _build_seeded(self, url: str) -> None:
        self._build_migrated(url)
        engine = engine_for(url)
        with session_scope(engine, write=True) as session:
            load(session, get_settings().seed_dir)
        engine.dispose()

    def _clone(self, kind: str, build: Callable[[str], None]) -> str:
        if kind not in self._templates:
            template = self.blank()
            build(template)
            self._templates[kind] = template
        template = self._templates[kind]
        if self.name == "sqlite":
            target = self.workdir / f"db{next(_counter)}.sqlite3"
            shutil.copyfile(make_url(template).database, target)  # templates are closed, WAL checkpointed
            return f"sqlite:///{target}"
        return self._create_pg(f"{self.prefix}_{next(_counter)}", template=make_url(template).database)

    def _create_pg(self, name: str, *, template: str | None) -> str:
        assert self._admin is not None
        clause = f" TEMPLATE {template}" if template else ""
        with self._admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self._created.append(name)
        return make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        """Drop every database this factory created. Each DROP DATABASE waits for a checkpoint
        (PostgreSQL 15), about 0.2 s on this machine: one by one, a full run's hundreds of
        databases took 100-120 s. Dropped from DROP_CONNECTIONS connections at once, the
        drops share their checkpoints."""
        if self._admin is None:
            return

        def drop(name: str) -> None:
            assert self._admin is not None
            with self._admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        with ThreadPoolExecutor(DROP_CONNECTIONS) as pool:
            list(pool.map(drop, reversed(self._created)))  # list(): a failed drop raises here
        self._admin.dispose()


def db_state(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of every table, to show that a failed write changed nothing."""
    inspector = sa.inspect(engine)
    present = set(inspector.get_table_names())
    state = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name not in present:
                continue
            columns = {c["name"] for c in inspector.get_columns(table.name)}  # a migration below head may lack some
            shown = [c for c in table.columns if c.name in columns]
            state[table.name] = sorted((tuple(row) for row in connection.execute(sa.select(*shown))), key=repr)
    return state


def content_hash(engine: sa.Engine) -> str:
    """sha256 over every row of every table, each table in primary-key order: the model
    tables, the aggregates and the search index (SQLite's FTS5 table by rowid)."""
    import hashlib

    from equipment_db.search.schema import AGGREGATE_TABLES, PG_TABLE, SQLITE_INDEX

    inspector = sa.inspect(engine)
    digest = hashlib.sha256()
    with engine.connect() as connection:
        for name in [table.name for table in metadata.sorted_tables] + list(AGGREGATE_TABLES) + [
            SQLITE_INDEX if engine.dialect.name == "sqlite" else PG_TABLE
        ]:
            if name == SQLITE_INDEX:
                query = f"SELECT rowid, * FROM {name} ORDER BY rowid"
            else:
                key = inspector.get_pk_constraint(name)["constrained_columns"]
                columns = [column["name"] for column in inspector.get_columns(name)]
                query = f"SELECT {', '.join(columns)} FROM {name} ORDER BY {', '.join(key or columns)}"
            digest.update(name.encode())
            for row in connection.execute(sa.text(query)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()
