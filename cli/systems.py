"""`equipment-db system ...`: the catalogue of systems and their aliases."""

from __future__ import annotations

import typer

from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import AliasCreate, SystemCreate, SystemUpdate, TargetTypeCreate
from equipment_db.validation import parse_model
from equipment_db.vocab import AliasKind, SystemCategory

from .options import DESCRIPTION, QID, given
from .output import JsonOption, emit, emit_record
from .state import edit, reading, writing

app = typer.Typer(help="Systems (Igla-S, Stinger) and their aliases.\n\nExample: equipment-db system show SA-24",
                  no_args_is_help=True)  # fmt: skip
alias_app = typer.Typer(help="Other names of a system.\n\nExample: equipment-db system alias add igla-s 9K338 "
                        "--kind grau_index", no_args_is_help=True)  # fmt: skip
app.add_typer(alias_app, name="alias")

NAME = typer.Option(None, "--name", help="Display name (9K338 Igla-S).")
ORIGIN = typer.Option(None, "--origin", help="Origin country, code or name.")
MAKER = typer.Option(None, "--manufacturer", help="Manufacturer.")
PARENT = typer.Option(None, "--parent", help="Family this system is a variant of (slug or alias).")
LIST_COLUMNS = ["slug", "name", "category", "origin_country", "aliases", "version"]  # `system list`'s table
LIST_FIELDS = [*LIST_COLUMNS, "retracted"]  # ... and its --json


@app.command()
def add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Stable id: lower case, digits and dashes (fim-92-stinger)."),
    name: str = typer.Option(..., "--name", help="Display name (FIM-92 Stinger)."),
    category: SystemCategory = typer.Option(..., "--category", help="Kind of system."),
    origin: str | None = ORIGIN,
    manufacturer: str | None = MAKER,
    parent: str | None = PARENT,
    wikidata: str | None = QID,
    description: str | None = DESCRIPTION,
    alias: list[str] = typer.Option([], "--alias", help="Another name, as NAME or NAME=KIND (repeatable)."),
) -> None:
    """Add a system to the catalogue.

    Example: equipment-db system add fim-92-stinger --name "FIM-92 Stinger" --category manpads --origin US --alias FIM-92=designation --alias Stinger
    """  # noqa: E501
    aliases = []
    for text in alias:
        alias_name, _, kind = text.partition("=")
        aliases.append(given(name=alias_name, kind=kind or None))
    data = parse_model(SystemCreate, given(slug=slug, name=name, category=category, origin_country=origin,
                                          manufacturer=manufacturer, parent=parent, wikidata_qid=wikidata,
                                          description=description) | {"aliases": aliases})  # fmt: skip
    with writing(ctx) as session:
        system = catalog_service.create_system(session, data, edit=edit(ctx))
    typer.echo(system.slug)


@app.command("edit")
def edit_(
    ctx: typer.Context,
    system: str = typer.Argument(..., help="Slug or alias."),
    reason: str = typer.Option(..., "--reason", help="Why: recorded on the new version."),
    name: str | None = NAME,
    category: SystemCategory | None = typer.Option(None, "--category"),
    origin: str | None = ORIGIN,
    manufacturer: str | None = MAKER,
    parent: str | None = PARENT,
    wikidata: str | None = QID,
    description: str | None = DESCRIPTION,
) -> None:
    """Change a system's fields (a new version with --reason).

    Example: equipment-db system edit igla-s --description "Russian MANPADS" --reason "added a description"
    """
    fields = given(name=name, category=category, origin_country=origin, manufacturer=manufacturer, parent=parent,
                  wikidata_qid=wikidata, description=description)  # fmt: skip
    with writing(ctx) as session:
        found = catalog_service.update_system(session, system, parse_model(SystemUpdate, fields),
                                              edit=edit(ctx, reason))  # fmt: skip
    typer.echo(f"{found.slug} is at version {found.version}.", err=True)


@app.command()
def retract(ctx: typer.Context, system: str = typer.Argument(..., help="Slug or alias."),
            reason: str = typer.Option(..., "--reason", help="Why it is withdrawn.")) -> None:  # fmt: skip
    """Retract a system: it stays readable; new claims cannot refer to it.

    Example: equipment-db system retract test-system-1 --reason "entered by mistake"
    """
    with writing(ctx) as session:
        found = catalog_service.retract_system(session, system, edit=edit(ctx, reason))
    typer.echo(f"{found.slug} is retracted.", err=True)


@app.command()
def show(ctx: typer.Context, system: str = typer.Argument(..., help="Slug or any alias, any case."),
         as_json: bool = JsonOption) -> None:  # fmt: skip
    """Show a system with its aliases, looked up by slug or any alias.

    Example: equipment-db system show "sa-24 grinch"
    """
    with reading(ctx) as session:
        record = catalog_queries.system_view(session, catalog_queries.get_system(session, system))
    if not as_json:
        record["aliases"] = ", ".join(f"{a['name']} ({a['kind']})" for a in record["aliases"])
        record["external_ids"] = ", ".join(f"{x['scheme']}:{x['value']}" for x in record["external_ids"])
    emit_record(record, as_json=as_json)


@app.command("list")
def list_(
    ctx: typer.Context,
    category: SystemCategory | None = typer.Option(None, "--category", help="Only this category."),
    include_retracted: bool = typer.Option(False, "--include-retracted", help="Show retracted systems too."),
    as_json: bool = JsonOption,
) -> None:
    """List systems with their aliases.

    Example: equipment-db system list --category manpads
    """
    where = catalog_queries.SystemFilter(category=category, include_retracted=include_retracted)
    with reading(ctx) as session:
        rows = catalog_queries.every_system_row(session, where, order="slug")
    rows = [{k: row[k] for k in LIST_FIELDS} | {"aliases": ", ".join(row["aliases"])} for row in rows]
    emit(rows, columns=LIST_COLUMNS, as_json=as_json)


@alias_app.command("add")
def alias_add(
    ctx: typer.Context,
    system: str = typer.Argument(..., help="Slug or alias of the system."),
    name: str = typer.Argument(..., help="The other name."),
    kind: AliasKind = typer.Option(AliasKind.common_name, "--kind", help="What sort of name it is."),
) -> None:
    """Add another name for a system (lookups ignore case and punctuation).

    Example: equipment-db system alias add igla-s "SA-24 Grinch" --kind nato_reporting_name
    """
    with writing(ctx) as session:
        catalog_service.add_alias(session, system, AliasCreate(name=name, kind=kind), edit=edit(ctx))
    typer.echo(f"{name} -> {system}", err=True)


target_app = typer.Typer(help="Target types a system can engage (helicopter, uav, ...).\n\n"
                         "Example: equipment-db target-type list", no_args_is_help=True)  # fmt: skip


@target_app.command("add")
def target_add(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Stable id: lower case, digits and dashes (cruise-missile)."),
    name: str = typer.Option(..., "--name", help="Display name (Cruise missile)."),
    description: str | None = DESCRIPTION,
) -> None:
    """Add a target type to the controlled vocabulary.

    Example: equipment-db target-type add cruise-missile --name "Cruise missile"
    """
    data = parse_model(TargetTypeCreate, given(slug=slug, name=name, description=description))
    with writing(ctx) as session:
        target = catalog_service.create_target_type(session, data, edit=edit(ctx))
    typer.echo(target.slug)


@target_app.command("list")
def target_list(ctx: typer.Context, as_json: bool = JsonOption) -> None:
    """List target types.

    Example: equipment-db target-type list --json
    """
    with reading(ctx) as session:
        rows = catalog_queries.every_target_type_row(session, order="slug")
    columns = ["slug", "name", "description"]
    emit([{k: row[k] for k in columns} for row in rows], columns=columns, as_json=as_json)
