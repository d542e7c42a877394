"""Open a database for what a command does: read one that exists (creating nothing), or make
one ready to write to and serve (on the embedded default, the first run creates, migrates and
seeds it).

The first run builds the whole database in a temporary file beside its place, then moves it
there in one step: a run that fails (a seed record refused, a migration error, a kill) leaves
no file that counts as ready, and the next run does the first run again. Migrating and seeding
are one transaction on both engines (`migrate_and_seed`), so on PostgreSQL, where there is no
file to move, `equipment-db seed` on an empty database either migrates and seeds it or leaves
it empty.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from equipment_db import schema_version
from equipment_db.config import Settings
from equipment_db.database import create_db_engine, sqlite_path, write_engine
from equipment_db.errors import DatabaseNotReady

if TYPE_CHECKING:
    from equipment_db.seed.loader import SeedReport

_SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Readiness:
    initialised: bool  # created, migrated and seeded now (the first run)
    seeded: SeedReport | None


def open_existing(settings: Settings, *, pool_size: int | None = None) -> sa.Engine:
    """An engine on a database that exists, for commands that only read (and the API): a
    SQLite file that is missing is refused in one line naming it, and nothing is created."""
    path = sqlite_path(settings.database_url)
    if path is not None and not path.exists():
        how = (
            "`equipment-db serve` (or any command that writes) creates it on the first run"
            if settings.is_embedded_default
            else "run `equipment-db db upgrade` to create it"
        )
        raise DatabaseNotReady(f"database: {path} does not exist; {how}", field="database", value=str(path))
    return create_db_engine(settings, pool_size=pool_size)


def open_for_writing(settings: Settings) -> sa.Engine:
    """An engine for `db upgrade` and `seed`, which may create the database (and its folder)."""
    return create_db_engine(settings)


def open_ready(settings: Settings) -> tuple[sa.Engine, Readiness]:
    """An engine on a database at the current schema, for commands that write or serve. The
    embedded default, missing or blank, gets the first run; anything else behind head is
    refused, naming the command that fixes it."""
    readiness = Readiness(False, None)
    path = sqlite_path(settings.database_url)
    if settings.is_embedded_default and path is not None and _blank(path):
        readiness = Readiness(True, first_run(settings, path))
    engine = open_existing(settings)
    ensure_ready(engine)
    return engine, readiness


def ensure_ready(engine: sa.Engine) -> None:
    """At head: nothing to do. Behind head: refuse, and say which command fixes it."""
    current = schema_version.current(engine)
    if current == schema_version.HEAD:
        return
    where = "empty (no schema)" if current is None else f"at revision {current}"
    raise DatabaseNotReady(
        f"database: {where}, this version needs {schema_version.HEAD}: run `equipment-db db upgrade`",
        field="database",
        value=current,
    )


def migrate_and_seed(engine: sa.Engine, seed_dir: Path, *, editor: str | None = None) -> SeedReport:
    """Migrate to head and load the seed data in one transaction: both happen, or neither."""
    from sqlmodel import Session

    from equipment_db import migrate  # Alembic is loaded only to change a schema (schema_version)
    from equipment_db.analysis import stored
    from equipment_db.seed.loader import SEED_EDITOR, load  # the write path loads only here

    with write_engine(engine).connect() as connection, connection.begin():
        migrate.upgrade(connection)
        session = Session(bind=connection, expire_on_commit=False)
        try:
            report = load(session, seed_dir, editor=editor or SEED_EDITOR)
            stored.refresh(session)
        finally:
            session.close()
    return report


def first_run(settings: Settings, target: Path) -> SeedReport:
    """Create, migrate and seed the SQLite database `target` in a temporary file beside it,
    then move that into place; on any failure nothing is left behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".first-run", dir=target.parent)
    os.close(handle)
    building = Path(name)
    _as_sqlite_creates(building)
    try:
        engine = create_db_engine(settings.model_copy(update={"url": f"sqlite:///{building}"}))
        try:
            report = migrate_and_seed(engine, settings.seed_dir)
            _one_file(engine)
        finally:
            engine.dispose()
        _fsync(building)
        _move_into_place(building, target)
        _fsync(target.parent)
        return report
    finally:
        for leftover in (building, *(Path(f"{building}{side}") for side in _SQLITE_SIDE_FILES)):
            leftover.unlink(missing_ok=True)


def _blank(path: Path) -> bool:
    """Whether a SQLite database is missing or holds nothing at all (no table, no schema)."""
    if not path.exists():
        return True
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    except sqlite3.DatabaseError:
        return False  # not a database: opening it later says so


def _as_sqlite_creates(path: Path) -> None:
    """The permissions SQLite would give a new file (0666 less the umask), not mkstemp's 0600."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def _one_file(engine: sa.Engine) -> None:
    """Fold the write-ahead log into the database file, so that moving the file moves it all."""
    raw = engine.raw_connection()
    try:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA journal_mode = DELETE")
    finally:
        raw.close()


def _move_into_place(built: Path, target: Path) -> None:
    """Put `built` at `target` in one step. A missing target is linked, never replaced: when
    two first runs race, the one that finishes first wins and the other's copy is dropped. A
    blank target (an empty file) is replaced, with any write-ahead log of its own."""
    if target.exists():
        for side in _SQLITE_SIDE_FILES:
            Path(f"{target}{side}").unlink(missing_ok=True)
        os.replace(built, target)
        return
    try:
        os.link(built, target)
    except FileExistsError:
        pass  # another first run finished first; its database is as good as this one
    except OSError:  # a file system without hard links
        os.replace(built, target)


def _fsync(path: Path) -> None:
    with suppress(OSError):  # directories cannot be opened on every platform
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
