"""Options and helpers shared by several command modules."""

from __future__ import annotations

from typing import Any

import typer

QID = typer.Option(None, "--wikidata", help="Wikidata item id (Q...).")
DESCRIPTION = typer.Option(None, "--description", help="Short description.")


def given(**fields: Any) -> dict[str, Any]:
    """The options the user gave (None means not given; an empty list too)."""
    return {k: v for k, v in fields.items() if v is not None and v != []}
