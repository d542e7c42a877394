"""Alembic, driven from code: upgrade and downgrade. Which revision a database is at, and
whether that is the newest, is `schema_version`, which does not load Alembic."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from equipment_db.layout import shipped

MIGRATIONS_DIR = shipped("migrations")


def revision_module(filename: str) -> ModuleType:
    """An earlier revision's module (migrations/versions/FILENAME), for a revision that reuses
    its definitions: revision files are not importable by name (they start with a date)."""
    path = MIGRATIONS_DIR / "versions" / filename
    spec = importlib.util.spec_from_file_location(f"_equipment_db_migration_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def alembic_config(engine: sa.Engine | sa.Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration; given a connection, the migrations run in its transaction."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(slug)s")
    config.set_main_option("truncate_slug_length", "40")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if isinstance(engine, sa.Connection):
        config.attributes["connection"] = engine
    elif engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine | sa.Connection, revision: str = "head") -> None:
    """Migrate to `revision`. On an engine brought to head, the stored summaries a migration
    listed as stale are computed (a write scope does that as it commits); a caller that passes
    a connection computes them in its own transaction (`bootstrap.migrate_and_seed`)."""
    command.upgrade(alembic_config(engine), revision)
    if isinstance(engine, sa.Engine) and revision == "head":
        from equipment_db.database import session_scope

        with session_scope(engine, write=True):
            pass


def downgrade(engine: sa.Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def heads() -> list[str]:
    """Alembic's heads, read from the revision files. Everything else compares a database with
    `schema_version.HEAD`, which tests/test_migrations.py keeps equal to the one head here."""
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())
