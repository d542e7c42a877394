"""What a database holds: engine, location, schema revision, row counts; whether it is a standby."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from equipment_db import schema_version
from equipment_db.config import Settings, shown_url
from equipment_db.database import sqlite_path
from equipment_db.models import metadata


def database_info(engine: sa.Engine, settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    path = sqlite_path(url)
    current = schema_version.current(engine)
    info: dict[str, Any] = {
        "url": shown_url(url),
        "engine": engine.dialect.name,
        "embedded_default": settings.is_embedded_default,
        "path": str(path) if path else None,
        "size_bytes": path.stat().st_size if path and path.exists() else None,
        "schema_revision": current,
        "schema_head": schema_version.HEAD,
        "up_to_date": current == schema_version.HEAD,
    }
    if current is not None:
        info["rows"] = table_counts(engine)
    return info


def table_counts(bind: sa.Engine | sa.Connection) -> dict[str, int]:
    if isinstance(bind, sa.Engine):
        with bind.connect() as connection:
            return table_counts(connection)
    return {
        table.name: bind.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in metadata.sorted_tables
    }


# One statement: a primary is not in recovery and has replayed nothing (NULL lag).
_REPLICATION = sa.text(
    "SELECT pg_is_in_recovery(), EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


def replication(connection: sa.Connection) -> tuple[bool, float | None]:
    """Is this database a PostgreSQL hot standby, and how many seconds ago was the last write
    it replayed committed on the primary (None: not a standby, or nothing replayed yet)?
    SQLite is never a standby. The lag is never negative, whatever the two clocks say."""
    if connection.dialect.name != "postgresql":
        connection.execute(sa.text("SELECT 1"))
        return False, None
    standby, lag = connection.execute(_REPLICATION).one()
    return bool(standby), None if lag is None else max(0.0, round(float(lag), 3))
