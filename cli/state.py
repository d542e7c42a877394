"""What every command shares: the settings from global options, and the engine.

Cheap to import: `equipment-db --version` and `--help` pass through here, so the settings
(pydantic-settings), SQLAlchemy and the library load only when a command first asks for them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlmodel import Session

    from equipment_db.config import Settings
    from equipment_db.history.service import Edit


@dataclass
class AppState:
    """The global options as given (`--db`, `--editor`); settings and engine built on first use."""

    url: str | None = None
    editor: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _engine: sa.Engine | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from equipment_db.config import get_settings

            self._settings = get_settings(url=self.url, editor=self.editor)
        return self._settings

    @property
    def engine(self) -> sa.Engine:
        """The engine of a database that exists; for commands that only read, so a missing
        SQLite file is refused in one line and nothing is created."""
        if self._engine is None:
            from equipment_db.bootstrap import open_existing

            self._engine = open_existing(self.settings)
        return self._engine

    def creating_engine(self) -> sa.Engine:
        """The engine of a database that may not exist yet (`db upgrade`, `seed`)."""
        if self._engine is None:
            from equipment_db.bootstrap import open_for_writing

            self._engine = open_for_writing(self.settings)
        return self._engine

    @property
    def database_name(self) -> str | None:
        """The database an engine was opened on (None before any was), to name it in errors."""
        if self._engine is None:
            return None
        return self._engine.url.database or self.settings.shown_url

    def ready_engine(self) -> sa.Engine:
        """The engine of a database at the current schema, for commands that write or serve
        (first run on the embedded default: created, migrated and seeded)."""
        if self._engine is not None:
            from equipment_db.bootstrap import ensure_ready

            ensure_ready(self._engine)
        else:
            from equipment_db.bootstrap import open_ready

            self._engine, readiness = open_ready(self.settings)
            if readiness.initialised:
                created = sum(readiness.seeded.created.values()) if readiness.seeded else 0
                typer.echo(
                    f"First run: created {self.settings.shown_url}, migrated it and loaded "
                    f"{created} seed records (see `equipment-db db info`).",
                    err=True,
                )
        return self._engine

    def close(self) -> None:
        """Close the database connections when the command ends (in-process runs too)."""
        if self._engine is not None:
            self._engine.dispose()

    def read_engine(self) -> sa.Engine:
        """The engine of an existing database at the current schema, for commands that read."""
        from equipment_db.bootstrap import ensure_ready

        ensure_ready(self.engine)
        return self.engine


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def edit(ctx: typer.Context, reason: str | None = None) -> Edit:
    """Who is making this change (`--editor`, EQUIPMENT_DB_EDITOR or the OS user) and why."""
    from equipment_db.history.service import Edit

    return Edit(state(ctx).settings.editor, reason)


@contextmanager
def writing(ctx: typer.Context) -> Iterator[Session]:
    """One editor action, one transaction: committed on success, rolled back on any error."""
    from equipment_db.database import session_scope

    with session_scope(state(ctx).ready_engine(), write=True) as session:
        yield session


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Session]:
    from equipment_db.database import session_scope

    with session_scope(state(ctx).read_engine()) as session:
        yield session


def interactive() -> bool:
    """Prompt for missing options only when a person is at a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()
