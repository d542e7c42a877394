"""What every command shares: the settings from global options, and the engine."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
import typer
from sqlmodel import Session

from equipment_db.bootstrap import ensure_ready
from equipment_db.config import Settings
from equipment_db.database import create_db_engine, session_scope
from equipment_db.history.service import Edit


@dataclass
class AppState:
    settings: Settings
    _engine: sa.Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = create_db_engine(self.settings)
        return self._engine

    def ready_engine(self) -> sa.Engine:
        """The engine of a database at the current schema (first run: created and seeded)."""
        readiness = ensure_ready(self.engine, self.settings)
        if readiness.initialised:
            created = sum(readiness.seeded.created.values()) if readiness.seeded else 0
            typer.echo(
                f"First run: created {self.settings.database_url}, migrated it and loaded "
                f"{created} seed records (see `equipment-db db info`).",
                err=True,
            )
        return self.engine


def state(ctx: typer.Context) -> AppState:
    return ctx.find_root().obj


def edit(ctx: typer.Context, reason: str | None = None) -> Edit:
    """Who is making this change (`--editor`, EQUIPMENT_DB_EDITOR or the OS user) and why."""
    return Edit(state(ctx).settings.editor, reason)


@contextmanager
def writing(ctx: typer.Context) -> Iterator[Session]:
    """One editor action, one transaction: committed on success, rolled back on any error."""
    with session_scope(state(ctx).ready_engine(), write=True) as session:
        yield session


@contextmanager
def reading(ctx: typer.Context) -> Iterator[Session]:
    with session_scope(state(ctx).ready_engine()) as session:
        yield session


def interactive() -> bool:
    """Prompt for missing options only when a person is at a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()
