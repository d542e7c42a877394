"""Backups: SQLite through its online backup API; PostgreSQL through pg_dump."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from equipment_db.config import shown_url
from equipment_db.database import sqlite_path
from equipment_db.errors import AlreadyExists, InvalidValue


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    method: str  # "sqlite" (online backup API, integrity-checked) or "pg_dump"


def backup(url: str, target: Path, *, overwrite: bool = False) -> Backup:
    """Back up the database at `url` while it is in use: SQLite with its online backup API,
    PostgreSQL with pg_dump (custom format). Refused, naming the field: a target that exists
    (without `overwrite`), pg_dump missing (the message gives the command to run on the
    database host, without the password), a failed dump."""
    if target.exists() and not overwrite:
        raise AlreadyExists("backup", "path", str(target))
    if make_url(url).get_backend_name() != "postgresql":
        return Backup(target, backup_sqlite(url, target), "sqlite")
    command = pg_dump_command(url, target)
    if not pg_dump_available():
        shown = " ".join(part if not part.startswith("--dbname=") else "--dbname=<your URL>" for part in command)
        raise InvalidValue("pg_dump", None, f"is not installed; on the database host run: {shown}")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise InvalidValue("pg_dump", result.returncode, f"failed: {result.stderr.strip().splitlines()[-1:]}")
    return Backup(target, target.stat().st_size, "pg_dump")


def backup_sqlite(url: str, target: Path) -> int:
    """Copy a live SQLite database page by page (readers and writers may go on); returns bytes."""
    source = sqlite_path(url)
    if source is None:
        raise InvalidValue("database", shown_url(url), "is not a SQLite file")
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

