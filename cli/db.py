"""`equipment-db db ...`: where the database is and which schema it has."""

from __future__ import annotations

import typer

from cli.output import JsonOption, emit_record
from cli.state import state
from equipment_db import migrate
from equipment_db.stats import database_info

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
    engine = state(ctx).engine
    before = migrate.current(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current(engine)
    if before == after:
        typer.echo(f"Already at {after}.", err=True)
    else:
        typer.echo(f"Upgraded {before or 'empty database'} -> {after}.", err=True)


@app.command()
def current(ctx: typer.Context) -> None:
    """Print the schema revision the database is at, and whether it is the newest.

    Example: equipment-db db current
    """
    engine = state(ctx).engine
    revision = migrate.current(engine)
    head = ", ".join(migrate.heads())
    status = "head" if revision in migrate.heads() else f"behind head {head}"
    typer.echo(f"{revision or 'none'} ({status})")
