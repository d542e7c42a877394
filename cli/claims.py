"""`equipment-db claim ...`: read claims. (Adding and editing: the editors' CLI issue.)"""

from __future__ import annotations

import typer

from cli.output import JsonOption, emit
from cli.state import state
from equipment_db.claims import queries as claim_queries
from equipment_db.database import session_scope
from equipment_db.vocab import ClaimKind, VerificationStatus

app = typer.Typer(
    help="Sourced claims.\n\nExample: equipment-db claim list --country VE", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    system: str | None = typer.Option(None, help="System slug or alias (e.g. igla-s, SA-24)."),
    country: str | None = typer.Option(None, help="Country code or name (e.g. VE, Venezuela)."),
    kind: ClaimKind | None = typer.Option(None, help="Claim kind."),
    status: VerificationStatus | None = typer.Option(None, help="Verification status."),
    include_retracted: bool = typer.Option(False, "--include-retracted", help="Show retracted claims too."),
    limit: int = typer.Option(100, min=1, max=10_000, help="At most this many claims."),
    as_json: bool = JsonOption,
) -> None:
    """List claims, oldest first, with their value as the source worded it.

    Example: equipment-db claim list --system igla-s --country Venezuela
    """
    engine = state(ctx).ready_engine()
    with session_scope(engine) as session:
        rows = claim_queries.claim_rows(
            session,
            claim_queries.filter_from_input(
                session,
                system=system,
                country=country,
                kind=kind,
                status=status,
                include_retracted=include_retracted,
            ),
            limit=limit,
        )
    columns = ["id", "kind", "subject", "country", "value", "claimant", "stated", "about", "status"]
    emit(rows, columns=columns, as_json=as_json, title=None if as_json else f"{len(rows)} claims")
