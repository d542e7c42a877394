"""What a database holds: engine, location, schema revision, row counts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from equipment_db import migrate
from equipment_db.config import Settings, shown_url
from equipment_db.database import sqlite_path
from equipment_db.models import metadata


def database_info(engine: sa.Engine, settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    path = sqlite_path(url)
    current = migrate.current(engine)
    info: dict[str, Any] = {
        "url": shown_url(url),
        "engine": engine.dialect.name,
        "embedded_default": settings.is_embedded_default,
        "path": str(path) if path else None,
        "size_bytes": path.stat().st_size if path and path.exists() else None,
        "schema_revision": current,
        "schema_head": ", ".join(migrate.heads()),
        "up_to_date": current in migrate.heads(),
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
