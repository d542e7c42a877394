"""One renderer for read commands: a Rich table for people, JSON for scripts.

Rich loads only for a table: `--json` output does not pay for it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

JsonOption = typer.Option(False, "--json", help="Print JSON (for scripts) instead of a table.")


def emit(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str], as_json: bool, title: str | None = None
) -> None:
    if as_json:
        typer.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    _console().print(table)


def emit_record(record: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in record.items():
        table.add_row(key.replace("_", " "), "" if value is None else str(value))
    _console().print(table)


def _console() -> Console:
    """Terminal width on a terminal; wide enough not to fold columns when piped."""
    from rich.console import Console

    console = Console(soft_wrap=False)
    return console if console.is_terminal else Console(soft_wrap=False, width=200)
