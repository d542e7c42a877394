"""`equipment-db actor ...`: who makes claims."""

from __future__ import annotations

import typer

from equipment_db.actors import queries as actor_queries
from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate, ActorUpdate
from equipment_db.validation import parse_model
from equipment_db.vocab import ActorKind

from .options import DESCRIPTION, QID, given
from .output import JsonOption, emit, emit_record
from .state import edit, reading, writing

app = typer.Typer(help="Actors: people, governments, armed forces, outlets, institutes.\n\n"
                  "Example: equipment-db actor show \"Nicolás Maduro\"", no_args_is_help=True)  # fmt: skip

COUNTRY = typer.Option(None, "--country", help="Country code or name.")
ROLE = typer.Option(None, "--role", help="Role or title as the source gives it.")
LIST_COLUMNS = ["name", "kind", "country", "role", "version"]  # `actor list`, as a table and as --json


@app.command()
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Full name (unique, compared ignoring case)."),
    kind: ActorKind = typer.Option(..., "--kind", help="What sort of actor."),
    country: str | None = COUNTRY,
    role: str | None = ROLE,
    wikidata: str | None = QID,
    description: str | None = DESCRIPTION,
) -> None:
    """Add an actor who makes claims.

    Example: equipment-db actor add "Pete Hegseth" --kind person --country US --role "Defense Secretary"
    """
    data = parse_model(ActorCreate, given(name=name, kind=kind, country=country, role=role, wikidata_qid=wikidata,
                                         description=description))  # fmt: skip
    with writing(ctx) as session:
        actor = actor_service.create_actor(session, data, edit=edit(ctx))
    typer.echo(actor.name)


@app.command("edit")
def edit_(
    ctx: typer.Context,
    actor: str = typer.Argument(..., help="Actor name."),
    reason: str = typer.Option(..., "--reason", help="Why: recorded on the new version."),
    name: str | None = typer.Option(None, "--name", help="New name."),
    kind: ActorKind | None = typer.Option(None, "--kind"),
    country: str | None = COUNTRY,
    role: str | None = ROLE,
    wikidata: str | None = QID,
    description: str | None = DESCRIPTION,
) -> None:
    """Change an actor's fields (a new version with --reason).

    Example: equipment-db actor edit "Tom Laliberty" --description "Quoted by MILMAG" --reason "context"
    """
    fields = given(
        name=name, kind=kind, country=country, role=role, wikidata_qid=wikidata, description=description
    )
    with writing(ctx) as session:
        found = actor_service.update_actor(
            session, actor, parse_model(ActorUpdate, fields), edit=edit(ctx, reason)
        )
    typer.echo(f"{found.name} is at version {found.version}.", err=True)


@app.command()
def show(ctx: typer.Context, actor: str = typer.Argument(..., help="Actor name, any case."),
         as_json: bool = JsonOption) -> None:  # fmt: skip
    """Show an actor.

    Example: equipment-db actor show "nicolás maduro"
    """
    with reading(ctx) as session:
        record = actor_queries.actor_view(session, actor_queries.get_actor(session, actor), claims_limit=0)
    del record["claims"], record["claims_total"]  # `claim list --claimant` lists them
    emit_record(record, as_json=as_json)


@app.command("list")
def list_(ctx: typer.Context,
          include_retracted: bool = typer.Option(False, "--include-retracted", help="Show retracted actors too."),
          as_json: bool = JsonOption) -> None:  # fmt: skip
    """List actors.

    Example: equipment-db actor list --json
    """
    with reading(ctx) as session:
        rows = actor_queries.every_actor_row(session, include_retracted=include_retracted, order="name")
    emit([{k: row[k] for k in LIST_COLUMNS} for row in rows], columns=LIST_COLUMNS, as_json=as_json)
