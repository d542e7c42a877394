"""`equipment-db`: the editors' command line. Every command is a thin layer over the library."""

from __future__ import annotations

import sys

import sqlalchemy.exc
import typer
from typer.core import TyperGroup

from cli import actors, cite, claims, db, notes, seed, serve, sources, systems, transfer
from cli.state import AppState
from equipment_db import __version__
from equipment_db.config import get_settings
from equipment_db.errors import EquipmentDBError


def fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


class AppGroup(TyperGroup):
    """Translates expected errors once: one stderr line naming field and value, exit 1."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except EquipmentDBError as exc:
            raise fail(exc.message) from None
        except sqlalchemy.exc.OperationalError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise fail(f"database: {reason}") from None


app = typer.Typer(
    cls=AppGroup,
    name="equipment-db",
    help="equipment-db: military-equipment systems and the sourced claims made about them.\n\n"
    "Example: equipment-db claim list --system igla-s --country VE",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)
app.add_typer(db.app, name="db")
app.add_typer(systems.app, name="system")
app.add_typer(systems.target_app, name="target-type")
app.add_typer(actors.app, name="actor")
app.add_typer(sources.app, name="source")
app.add_typer(claims.app, name="claim")
app.add_typer(notes.app, name="note")
app.command("import")(transfer.import_)
app.command("export")(transfer.export)
app.command("cite")(cite.cite)
app.command("seed")(seed.seed)
app.command("serve")(serve.serve)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"equipment-db {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db_url: str | None = typer.Option(
        None,
        "--db",
        envvar="EQUIPMENT_DB_URL",
        show_envvar=True,
        help="Database URL; default: the embedded SQLite file (see `equipment-db db info`).",
    ),
    editor: str | None = typer.Option(
        None,
        "--editor",
        envvar="EQUIPMENT_DB_EDITOR",
        show_envvar=True,
        help="Name recorded on every revision you make; default: your OS user.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Global options, read before any command."""
    ctx.obj = AppState(get_settings(url=db_url, editor=editor))


def run() -> None:
    """Console-script entry point."""
    sys.exit(app())
