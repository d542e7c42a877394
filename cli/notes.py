"""`equipment-db note ...`: editors' internal notes on claims and sources (never published)."""

from __future__ import annotations

import typer

from equipment_db.notes import queries as note_queries
from equipment_db.notes import service as note_service

from .output import JsonOption, emit
from .state import edit, reading, writing

app = typer.Typer(
    help="Internal notes on a claim or a source: leads, doubts, contacts. Kept for editors; no API "
    "response, export, citation or version ever carries them. Notes are only ever added.\n\n"
    'Example: equipment-db note add C-YSESYR2E "Ask the desk whether the 5,000 figure was repeated"',
    no_args_is_help=True,
)
ENTRY = typer.Argument(..., help="Claim id (C-...), source id (S-...) or source URL.")


@app.command()
def add(
    ctx: typer.Context,
    entry: str = ENTRY,
    text: str = typer.Argument(..., help="The note (at most 10,000 characters)."),
) -> None:
    """Add an internal note to a claim or a source, signed with your editor name.

    The entry itself does not change: no new version, and the note is never published.

    Example: equipment-db note add S-42AXA5E3 "Publisher confirmed by phone that the date is 22 Oct"
    """
    with writing(ctx) as session:
        note = note_service.add_note(session, entry, text, edit=edit(ctx))
        key = note.entity_key
    typer.echo(f"Note added to {key}.", err=True)


@app.command("list")
def list_(ctx: typer.Context, entry: str = ENTRY, as_json: bool = JsonOption) -> None:
    """List the internal notes on a claim or a source, oldest first.

    Example: equipment-db note list C-YSESYR2E
    """
    with reading(ctx) as session:
        rows = [note.model_dump(mode="json") for note in note_queries.notes(session, entry)]
    emit(rows, columns=["created_at", "editor", "text"], as_json=as_json, title=f"Internal notes on {entry}")
