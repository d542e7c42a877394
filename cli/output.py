"""One renderer for read commands: a Rich table for people, JSON for scripts.

Rich loads only for a table: `--json` output does not pay for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?$")
WHOLE = frozenset({"id", "slug", "key", "claim", "source", "external_id"})  # columns never broken
JsonOption = typer.Option(False, "--json", help="Print JSON (for scripts) instead of a table.")


def emit(
    rows: Sequence[dict[str, Any]], *, columns: Sequence[str], as_json: bool, title: str | None = None
) -> None:
    if as_json:
        typer.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in columns:  # ids stay whole (to be copied); the other columns wrap around them
        table.add_column(column.replace("_", " "), overflow="fold", no_wrap=column in WHOLE)
    for row in rows:
        table.add_row(*("" if row.get(c) is None else shown(row.get(c)) for c in columns))
    _console().print(table)


def emit_record(record: dict[str, Any], *, as_json: bool, hide_empty: bool = False) -> None:
    """One record: JSON with every field, or a two-column table; `hide_empty` leaves out the
    fields that hold nothing and says how many it left out."""
    if as_json:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2, default=str))
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    empty = [key for key, value in record.items() if value is None or value == "" or value == []]
    for key, value in record.items():
        if not (hide_empty and key in empty):
            table.add_row(key.replace("_", " "), "" if value is None else shown(value))
    _console().print(table)
    if hide_empty and empty:
        typer.echo(f"({len(empty)} empty fields not shown; --all shows them)")


def shown(value: Any) -> str:
    """A value as a table cell: times to the second, in UTC; lists joined by commas."""
    if isinstance(value, str) and _TIMESTAMP.match(value):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo is None else value.astimezone(UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if value.tzinfo else "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _console() -> Console:
    """Terminal width on a terminal; wide enough not to fold columns when piped."""
    from rich.console import Console

    console = Console(soft_wrap=False)
    return console if console.is_terminal else Console(soft_wrap=False, width=200)
