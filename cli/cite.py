"""`equipment-db cite`: a claim as a citation, with its version, permalink and caveats."""

from __future__ import annotations

import typer

from equipment_db.citations.cited import cited_version
from equipment_db.citations.render import CitationFormat, render
from equipment_db.claims import queries as claim_queries

from .state import reading, state


def cite(
    ctx: typer.Context,
    claim_id: str = typer.Argument(..., help="Claim id (C-...)."),
    fmt: CitationFormat = typer.Option(CitationFormat.apa, "--format", help="Citation format."),
    version: int | None = typer.Option(None, "--version", min=1, help="Cite this version (default: latest)."),
) -> None:
    """Cite a claim in APA, Chicago, MLA, BibTeX, RIS or CSL-JSON.

    The citation gives the version and its permanent address, the claim with its qualifier
    and verification status, and the sources it rests on. Formats: apa, chicago, mla
    (formatted by citeproc-py), bibtex, ris, csl-json. Permalinks start with
    EQUIPMENT_DB_PUBLIC_URL.

    Example: equipment-db cite C-YSESYR2E --format bibtex
    """
    with reading(ctx) as session:
        claim = claim_queries.get_claim(session, claim_id)
        cited = cited_version(session, claim, version, state(ctx).settings.public_url)
    typer.echo(render(cited, fmt))
