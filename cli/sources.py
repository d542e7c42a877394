"""`equipment-db source ...`: where claims were read, and fetching a page's details."""

from __future__ import annotations

import typer

from equipment_db.sources import queries as source_queries
from equipment_db.sources import service as source_service
from equipment_db.sources.fetch import fetch_page
from equipment_db.sources.models import SourceCreate, SourceUpdate
from equipment_db.validation import parse_model
from equipment_db.vocab import SourceKind

from .options import given
from .output import JsonOption, emit, emit_record
from .state import edit, interactive, reading, writing

app = typer.Typer(help="Sources: articles, statements, datasets; a source may cite another.\n\n"
                  "Example: equipment-db source show S-PJZ2YVHP", no_args_is_help=True)  # fmt: skip

TITLE = typer.Option(None, "--title", help="Title as published.")
PUBLISHER = typer.Option(None, "--publisher", help="Outlet or publisher (Anadolu Agency).")
AUTHOR = typer.Option(None, "--author", help="An author (repeatable).")
URL = typer.Option(None, "--url", help="Where it is published (normalised; one source per URL).")
PUBLISHED = typer.Option(None, "--published", help="Publication date: YYYY, YYYY-MM or YYYY-MM-DD.")
ACCESSED = typer.Option(None, "--accessed", help="When you read it: YYYY-MM-DD.")
ARCHIVE = typer.Option(None, "--archive-url", help="An archived copy (Wayback Machine).")
LANGUAGE = typer.Option(None, "--language", help="ISO 639 code (en, es, el).")
CITES = typer.Option(None, "--cites", help="Source this one cites (id or URL): Anadolu citing CNN.")
NOTE = typer.Option(None, "--note", help="Editor's note (a date doubt, a missing URL).")
TIMEOUT_HELP = "Seconds the whole fetch may take: redirects, body, archive lookup."
LIST_COLUMNS = ["id", "kind", "publisher", "title", "published", "url"]  # `source list`'s table
LIST_FIELDS = [*LIST_COLUMNS, "version"]  # ... and its --json


@app.command()
def add(
    ctx: typer.Context,
    kind: SourceKind = typer.Option(..., "--kind", help="What sort of source."),
    title: str | None = TITLE,
    publisher: str | None = PUBLISHER,
    author: list[str] | None = AUTHOR,
    url: str | None = URL,
    published: str | None = PUBLISHED,
    accessed: str | None = ACCESSED,
    archive_url: str | None = ARCHIVE,
    language: str | None = LANGUAGE,
    cites: str | None = CITES,
    note: str | None = NOTE,
    public_id: str | None = typer.Option(None, "--id", help="Keep this source id (normally generated)."),
) -> None:
    """Add a source and print its id.

    It needs a title or a publisher; leave unknown
    fields out rather than guessing them.

    Example: equipment-db source add --kind news_article --publisher "Anadolu Agency" --author "Busra Nur Cakmak" --published 2025-10-23 --language en --cites S-SNXDBGDV --title "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs military action"
    """  # noqa: E501
    data = parse_model(SourceCreate, given(
        kind=kind, title=title, publisher=publisher, authors=author or [], url=url, published=published,
        accessed=accessed, archive_url=archive_url, language=language, cites=cites, note=note, public_id=public_id,
    ))  # fmt: skip
    with writing(ctx) as session:
        source = source_service.create_source(session, data, edit=edit(ctx))
    typer.echo(source.public_id)


@app.command("edit")
def edit_(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Source id (S-...) or URL."),
    reason: str = typer.Option(..., "--reason", help="Why: recorded on the new version."),
    kind: SourceKind | None = typer.Option(None, "--kind"),
    title: str | None = TITLE,
    publisher: str | None = PUBLISHER,
    author: list[str] | None = AUTHOR,
    url: str | None = URL,
    published: str | None = PUBLISHED,
    accessed: str | None = ACCESSED,
    archive_url: str | None = ARCHIVE,
    language: str | None = LANGUAGE,
    cites: str | None = CITES,
    note: str | None = NOTE,
) -> None:
    """Change a source's fields (a new version with --reason); --author replaces the list.

    Example: equipment-db source edit S-42AXA5E3 --note "Publication date uncertain" --reason "date doubt"
    """
    fields = given(kind=kind, title=title, publisher=publisher, authors=author or None, url=url,
                  published=published, accessed=accessed, archive_url=archive_url, language=language,
                  cites=cites, note=note)  # fmt: skip
    with writing(ctx) as session:
        found = source_service.update_source(session, source, parse_model(SourceUpdate, fields),
                                             edit=edit(ctx, reason))  # fmt: skip
    typer.echo(f"{found.public_id} is at version {found.version}.", err=True)


@app.command()
def retract(ctx: typer.Context, source: str = typer.Argument(..., help="Source id (S-...) or URL."),
            reason: str = typer.Option(..., "--reason", help="Why it is withdrawn.")) -> None:  # fmt: skip
    """Retract a source: it stays readable, and so do the claims that cite it.

    Example: equipment-db source retract S-00000000 --reason "duplicate of S-PJZ2YVHP"
    """
    with writing(ctx) as session:
        found = source_service.retract_source(session, source, edit=edit(ctx, reason))
    typer.echo(f"{found.public_id} is retracted.", err=True)


@app.command()
def show(ctx: typer.Context, source: str = typer.Argument(..., help="Source id (S-...) or URL."),
         as_json: bool = JsonOption) -> None:  # fmt: skip
    """Show a source, its reporting chain and how many claims it carries.

    Example: equipment-db source show S-PJZ2YVHP
    """
    with reading(ctx) as session:
        record = source_queries.source_view(session, source_queries.get_source(session, source), claims_limit=0)
    record["claims"] = record.pop("claims_total")  # how many it carries; `claim list --source` lists them
    if not as_json:
        record["authors"] = "; ".join(record["authors"])
        record["reporting_chain"] = " -> ".join(f"{s['id']} {s['publisher'] or s['title'] or ''}".strip()
                                                for s in record["reporting_chain"])  # fmt: skip
    emit_record(record, as_json=as_json)


@app.command("list")
def list_(ctx: typer.Context,
          include_retracted: bool = typer.Option(False, "--include-retracted", help="Show retracted sources too."),
          as_json: bool = JsonOption) -> None:  # fmt: skip
    """List sources.

    Example: equipment-db source list --json
    """
    where = source_queries.source_filter(include_retracted=include_retracted)
    with reading(ctx) as session:
        rows = source_queries.every_source_row(session, where, order="public_id")
    emit([{k: row[k] for k in LIST_FIELDS} for row in rows], columns=LIST_COLUMNS, as_json=as_json)


@app.command()
def fetch(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The page to read (http or https)."),
    save: bool = typer.Option(False, "--save", help="Store it as a new source without asking."),
    kind: SourceKind = typer.Option(SourceKind.news_article, "--kind", help="Kind to store it as."),
    cites: str | None = CITES,
    timeout: float = typer.Option(15.0, "--timeout", min=0.1, help=TIMEOUT_HELP),
    no_archive: bool = typer.Option(False, "--no-archive", help="Skip the Wayback Machine lookup."),
    as_json: bool = JsonOption,
) -> None:
    """Fetch a web page's details over HTTP, to check and save as a source.

    Reads its title, publisher, authors, publication date and language
    from its metadata (JSON-LD, OpenGraph, <meta>); record the access time and the SHA-256
    of the page; look up an archived copy. Shows what it found; --save (or answering yes
    at a terminal) stores it as a source. Check the fields: pages are not always right.
    Pages past the size limit once decompressed, and redirects to anything but http(s),
    are refused (docs/RELIABILITY.md, "Fetching a page").

    Example: equipment-db source fetch https://thedefensepost.com/2023/05/30/taiwan-stinger-missiles-us --save
    """
    page = fetch_page(url, timeout=timeout, archive_lookup=not no_archive)
    for warning in page.warnings:
        typer.echo(f"warning: {warning}", err=True)
    found = page.as_source_fields()
    record = {"kind": kind.value, **found, "fetched_at": page.fetched_at.isoformat(), "status": page.status,
              "redirects": page.redirects}  # fmt: skip
    if not as_json:
        record["authors"] = "; ".join(found.get("authors", []))
        record["redirects"] = " -> ".join(page.redirects)
    emit_record(record, as_json=as_json)
    if not save and not (interactive() and typer.confirm("Save this as a new source?", default=False)):
        typer.echo("Not saved: run again with --save to store it.", err=True)
        return
    data = parse_model(SourceCreate, {"kind": kind, **found} | ({"cites": cites} if cites else {}))
    with writing(ctx) as session:
        source = source_service.create_source(session, data, edit=edit(ctx, f"fetched from {page.url}"))
    typer.echo(f"Saved as {source.public_id}.", err=True)
