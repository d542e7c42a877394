"""A new empty database for one measurement, and how to drop it: a file in a temporary folder
on SQLite, a database named after the base URL's on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url


def scratch_database(pg_url: str | None, folder: Path, name: str) -> tuple[str, Callable[[], None]]:
    """`pg_url` None (or not PostgreSQL): a SQLite file `name`.sqlite3 in `folder`."""
    if pg_url is None or not pg_url.startswith("postgresql"):
        return f"sqlite:///{folder / (name + '.sqlite3')}", lambda: None
    base = make_url(pg_url)
    db = f"{base.database}_{name}"
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    return base.set(database=db).render_as_string(hide_password=False), drop
