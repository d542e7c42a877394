"""`equipment-db db ...`: where the database is and which schema it has."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from equipment_db import schema_version
from equipment_db.backup import backup as backup_database
from equipment_db.stats import database_info

from .output import JsonOption, emit_record
from .state import state

app = typer.Typer(
    help="Database location, schema migrations.\n\nExample: equipment-db db info", no_args_is_help=True
)


@app.command()
def info(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Show the database URL, its file, schema revision and row counts.

    Example: equipment-db db info --json
    """
    app_state = state(ctx)
    record = database_info(app_state.engine, app_state.settings)
    if not as_json and "rows" in record:
        rows = record.pop("rows")
        record |= {f"rows: {name}": count for name, count in rows.items()}
    emit_record(record, as_json=as_json)


@app.command()
def upgrade(ctx: typer.Context, revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Migrate the schema up to the newest revision (or REVISION). Safe to run twice.

    Example: equipment-db db upgrade
    """
    from equipment_db import migrate  # Alembic, loaded only to change the schema

    engine = state(ctx).creating_engine()
    before = schema_version.current(engine)
    migrate.upgrade(engine, revision)
    after = schema_version.current(engine)
    if before == after:
        typer.echo(f"Already at {after}.", err=True)
    else:
        typer.echo(f"Upgraded {before or 'empty database'} -> {after}.", err=True)


@app.command()
def current(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """Print the schema revision the database is at, and whether it is the newest.

    Example: equipment-db db current
    """
    engine = state(ctx).engine
    revision = schema_version.current(engine)
    head = schema_version.HEAD
    if as_json:
        typer.echo(json.dumps({"revision": revision, "head": head, "up_to_date": revision == head}))
        return
    status = "head" if revision == head else f"behind head {head}"
    typer.echo(f"{revision or 'none'} ({status})")


@app.command()
def backup(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="File to write the copy to."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace PATH if it exists."),
) -> None:
    """Back up the database while it is in use.

    SQLite: a consistent copy made with the
    online backup API and checked with PRAGMA integrity_check. PostgreSQL: runs pg_dump
    (custom format; restore with pg_restore), or prints the command when pg_dump is missing.

    Example: equipment-db db backup equipment-db-2026-11-23.sqlite3
    """
    app_state = state(ctx)
    app_state.engine  # noqa: B018 (a missing database is refused, not created)
    done = backup_database(app_state.settings.database_url, path, overwrite=overwrite)
    how = " with pg_dump" if done.method == "pg_dump" else ""
    checked = ", integrity check ok" if done.method == "sqlite" else ""
    typer.echo(f"Backed up to {path}{how} ({done.size:,} bytes{checked}).", err=True)
