"""The schema revision this code is written for, and the one a database is at, read without
Alembic.

The API and every command check a database's revision before they use it. Alembic is needed
only to change a schema (`migrate`): importing it and reading its script directory (which
loads every revision file) cost each process ~10 MB and ~0.2 s, and an API worker kept them
while it served.
"""

from __future__ import annotations

import sqlalchemy as sa

# The newest revision in migrations/versions/ (2026_12_06_timeline_index.py). A new migration
# changes it; tests/test_migrations.py fails until it is Alembic's one head.
HEAD = "0021"

VERSION_TABLE = "alembic_version"  # Alembic's default, which migrations/env.py keeps


def revision_of(connection: sa.Connection) -> str | None:
    """The revision the database behind `connection` is at: None if it has no schema; more
    than one (branches not merged) joined by ", ", which is never `HEAD`."""
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    found = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return ", ".join(sorted(found)) or None


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return revision_of(connection)


def is_up_to_date(engine: sa.Engine) -> bool:
    return current(engine) == HEAD
