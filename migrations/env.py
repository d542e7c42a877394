"""Alembic environment: our metadata, batch mode on SQLite, our engine setup."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine
from sqlmodel.sql.sqltypes import AutoString

from equipment_db.base import UTCDateTime
from equipment_db.config import get_settings
from equipment_db.database import create_db_engine, is_sqlite
from equipment_db.models import metadata
from equipment_db.search.schema import include_name, include_object

config = context.config


def _engine() -> Engine:
    given = config.attributes.get("engine")
    if given is not None:
        return given
    url = config.get_main_option("sqlalchemy.url")
    return create_db_engine(get_settings(url=url) if url else get_settings())


def _refuse_empty_autogenerate(context_, revision, directives) -> None:  # type: ignore[no-untyped-def]
    if (
        getattr(config.cmd_opts, "autogenerate", False)
        and directives
        and directives[0].upgrade_ops.is_empty()
    ):
        directives[:] = []
        print("No schema change detected: no migration written.")


def _render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Render our column types as plain SQLAlchemy ones: migrations must not import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_item=_render_item,
        render_as_batch=True,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:  # inside the caller's transaction (bootstrap.migrate_and_seed)
        _run_migrations(given)
        return
    engine = _engine()
    with engine.connect() as connection:
        _run_migrations(connection)
    if config.attributes.get("engine") is None:
        engine.dispose()


def _run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=is_sqlite(connection.engine),
        compare_type=True,
        # SQLite's DDL is transactional too (the engine emits BEGIN itself): one upgrade or
        # downgrade is one transaction on both engines, so a step that refuses leaves the
        # database at the revision it started from, not at the step before.
        transactional_ddl=True,
        render_item=_render_item,
        process_revision_directives=_refuse_empty_autogenerate,
        include_name=include_name,  # the search objects live only in their migration
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
