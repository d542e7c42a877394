"""The four migration checks, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from equipment_db import migrate
from equipment_db.models import metadata
from equipment_db.search.schema import include_name, include_object
from tests.dbs import DatabaseFactory, engine_for


def test_there_is_exactly_one_head() -> None:
    assert len(migrate.heads()) == 1, migrate.heads()


def test_revision_files_are_date_prefixed() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert re.match(r"^\d{4}_\d{2}_\d{2}_[a-z0-9_]+\.py$", name), name


def test_upgrade_from_base_to_head(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.heads()[0]
    tables = set(sa.inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    engine.dispose()


def test_models_match_the_migrated_schema(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": include_name, "include_object": include_object},
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(dbs: DatabaseFactory) -> None:
    engine = engine_for(dbs.blank())
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    remaining = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    migrate.upgrade(engine)  # and back up again
    assert migrate.current(engine) == migrate.heads()[0]
    engine.dispose()


def test_check_constraints_guard_vocabularies(engine: sa.Engine) -> None:
    """A vocabulary value written past the services is refused by the database itself."""
    with engine.connect() as connection, connection.begin():
        connection.execute(
            sa.text(
                "INSERT INTO target_type (slug, name, version, created_at, updated_at) "
                "VALUES ('x', 'X', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    try:
        with engine.connect() as connection, connection.begin():
            connection.execute(
                sa.text(
                    "INSERT INTO system (slug, name, category, version, created_at, updated_at) "
                    "VALUES ('s', 'S', 'spaceship', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
    except sa.exc.IntegrityError as exc:
        assert "ck_system_category" in str(exc)
    else:
        raise AssertionError("category 'spaceship' was accepted")
