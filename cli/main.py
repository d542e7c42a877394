"""`equipment-db`: the editors' command line. Every command is a thin layer over the library.

Start-up is cheap: a command's module (and through it the library, SQLAlchemy, Alembic) is
imported only when that command runs; `--version` and `--help` import none of them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from equipment_db import __version__
from equipment_db.errors import EquipmentDBError, driver_error

from .state import AppState


class Lazy(NamedTuple):
    """Where a command lives (a module and its Typer app or command function), and the first
    paragraph of its help, which `equipment-db --help` lists without importing the module."""

    module: str  # relative to this package (`cli` in a checkout, `equipment_db.cli` in a wheel)
    attribute: str
    help: str


# Every command, in the order `--help` lists them; the only list of them. A test checks each
# help here against the command's own.
COMMANDS = {
    "import": Lazy(".exchange", "import_", "Import records from a JSON Lines or CSV file, all or nothing."),
    "export": Lazy(".exchange", "export", "Export every active entry as JSON Lines or CSV (the import format)."),
    "cite": Lazy(".cite", "cite", "Cite a claim in APA, Chicago, MLA, BibTeX, RIS or CSL-JSON."),
    "timeline": Lazy(".timeline", "timeline", "Show a system's quantity claims about one party in date order, "
                     "with the flags of the consistency check (docs/ANALYSIS.md) and the editors' contradicts "
                     "links."),
    "seed": Lazy(".seed", "seed", "Load the curated seed data (sourced facts only); a second run changes nothing."),
    "serve": Lazy(".serve", "serve", "Serve the read-only API; on a fresh machine the first run creates, migrates "
                  "and seeds the embedded database. Then open http://127.0.0.1:8000/docs."),
    "db": Lazy(".db", "app", "Database location, schema migrations."),
    "system": Lazy(".systems", "app", "Systems (Igla-S, Stinger) and their aliases."),
    "target-type": Lazy(".systems", "target_app", "Target types a system can engage (helicopter, uav, ...)."),
    "actor": Lazy(".actors", "app", "Actors: people, governments, armed forces, outlets, institutes."),
    "source": Lazy(".sources", "app", "Sources: articles, statements, datasets; a source may cite another."),
    "claim": Lazy(".claims", "app", "Sourced claims: add, revise, verify, rank, grade, link, retract, read."),
    "note": Lazy(".notes", "app", "Internal notes on a claim or a source: leads, doubts, contacts. Kept for "
                 "editors; no API response, export, citation or version ever carries them. Notes are only ever added."),
}  # fmt: skip

_LISTING = "equipment_db.listing"  # ctx.meta key: help or completion is listing the commands


def fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _is_driver_error(exc: Exception) -> bool:
    """Whether SQLAlchemy wrapped a driver error; without importing SQLAlchemy, which nothing
    can have raised from when it is not loaded."""
    sa_exc = sys.modules.get("sqlalchemy.exc")
    return sa_exc is not None and isinstance(exc, sa_exc.DBAPIError)


class _Commands(MutableMapping[str, Any]):
    """The group's commands by name: every name in COMMANDS, each imported on first access."""

    def __init__(self, added: MutableMapping[str, Any], load: Callable[[str], Any]) -> None:
        self._loaded = dict(added)
        self._load = load

    def __getitem__(self, name: str) -> Any:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = self._load(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._loaded if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS) + sum(name not in COMMANDS for name in self._loaded)


class AppGroup(TyperGroup):
    """Imports a command's module when the command runs; lists the commands without importing
    any. Translates expected errors once: one stderr line naming field and value, exit 1."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.commands, self._load)

    def _load(self, name: str) -> Any:
        """The command as `app.add_typer(module.app, name=name)` or `app.command(name)(function)`
        would have registered it."""
        lazy = COMMANDS[name]
        target = getattr(importlib.import_module(lazy.module, __package__), lazy.attribute)
        holder = typer.Typer(rich_markup_mode=self.rich_markup_mode, suggest_commands=self.suggest_commands,
                             pretty_exceptions_short=app.pretty_exceptions_short)  # fmt: skip
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=name)
        else:
            holder.command(name)(target)
        return typer.main.get_group(holder).commands[name]

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        if ctx.meta.get(_LISTING) and cmd_name in COMMANDS:
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].help, rich_markup_mode=self.rich_markup_mode)
        return super().get_command(ctx, cmd_name)

    @contextmanager
    def _listing(self, ctx: typer.Context) -> Iterator[None]:
        ctx.meta[_LISTING] = True
        try:
            yield
        finally:
            del ctx.meta[_LISTING]

    def format_help(self, ctx, formatter):  # type: ignore[no-untyped-def]
        with self._listing(ctx):
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx, incomplete):  # type: ignore[no-untyped-def]
        with self._listing(ctx):
            return super().shell_complete(ctx, incomplete)

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except EquipmentDBError as exc:
            raise fail(exc.message) from None
        except Exception as exc:
            if not _is_driver_error(exc):
                raise
            database = ctx.obj.database_name if isinstance(ctx.obj, AppState) else None
            raise fail(driver_error(exc, database).message) from None


app = typer.Typer(
    cls=AppGroup,
    name="equipment-db",
    help="equipment-db: military-equipment systems and the sourced claims made about them.\n\n"
    "Example: equipment-db claim list --system igla-s --country VE",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)


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
    ctx.obj = AppState(url=db_url, editor=editor)
    ctx.call_on_close(ctx.obj.close)


def run() -> None:
    """Console-script entry point."""
    sys.exit(app())
