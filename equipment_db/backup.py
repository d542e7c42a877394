"""Backups: SQLite through its online backup API; PostgreSQL through pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from equipment_db.database import sqlite_path
from equipment_db.errors import AlreadyExists, InvalidValue


def backup_sqlite(url: str, target: Path, *, overwrite: bool = False) -> int:
    """Copy a live SQLite database page by page (readers and writers may go on); returns bytes."""
    source = sqlite_path(url)
    if source is None:
        raise InvalidValue("database", make_url(url).render_as_string(), "is not a SQLite file")
    if target.exists() and not overwrite:
        raise AlreadyExists("backup", "path", str(target))
    if target.resolve() == source.resolve():
        raise InvalidValue("path", str(target), "is the database itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source) as live, sqlite3.connect(partial) as copy:
        live.backup(copy, pages=1024)
    check = sqlite3.connect(partial)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise InvalidValue("backup", str(target), f"failed its integrity check ({result})")
    partial.replace(target)
    return target.stat().st_size


def pg_dump_command(url: str, target: Path) -> list[str]:
    """The pg_dump command that backs up a PostgreSQL database to `target` (custom format)."""
    parsed = make_url(url)
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={libpq}"]


def pg_dump_available() -> bool:
    return shutil.which("pg_dump") is not None


def is_postgres(engine: sa.Engine) -> bool:
    return engine.dialect.name == "postgresql"
