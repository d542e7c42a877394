"""Make a database ready: create, migrate and (for the embedded default) seed on first run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from equipment_db import migrate
from equipment_db.config import Settings
from equipment_db.database import session_scope
from equipment_db.errors import DatabaseNotReady

if TYPE_CHECKING:
    from equipment_db.seed.loader import SeedReport


@dataclass(frozen=True)
class Readiness:
    initialised: bool  # created and migrated now
    seeded: SeedReport | None


def ensure_ready(engine: sa.Engine, settings: Settings) -> Readiness:
    """At head: nothing to do. A brand-new embedded default: migrate and seed it.
    Anything else behind head: refuse, and say which command fixes it."""
    current = migrate.current(engine)
    if current in migrate.heads():
        return Readiness(False, None)
    if current is None and settings.is_embedded_default:
        from equipment_db.seed.loader import load  # first run only: the write path stays unloaded after

        migrate.upgrade(engine)
        with session_scope(engine, write=True) as session:
            report = load(session, settings.seed_dir)
        return Readiness(True, report)
    where = "empty (no schema)" if current is None else f"at revision {current}"
    raise DatabaseNotReady(
        f"database: {where}, this version needs {', '.join(migrate.heads())}: run `equipment-db db upgrade`",
        field="database",
        value=current,
    )
