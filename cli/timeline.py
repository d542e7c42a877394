"""`equipment-db timeline SYSTEM PARTY`: the quantity claims about one system and one party in
the order of the time they describe, with the conflicts the consistency check flags (the
same reading the API's /v1/timeline and its page give)."""

from __future__ import annotations

import typer

from equipment_db.analysis import timeline as analysis_timeline

from .output import JsonOption, emit
from .state import reading


def timeline(
    ctx: typer.Context,
    system: str = typer.Argument(..., help="System slug or any alias."),
    party: str = typer.Argument(..., help="The holder or recipient: a country (code or name), actor:NAME or "
                                          "unknown."),
    include_deprecated: bool = typer.Option(False, "--include-deprecated", help="Show deprecated claims too."),
    limit: int = typer.Option(analysis_timeline.TIMELINE_LIMIT, "--limit", min=1, max=analysis_timeline.TIMELINE_MAX,
                              help="How many of the latest claims to show."),
    as_json: bool = JsonOption,
) -> None:
    """Show a system's quantity claims about one party in date order, with the flags of the
    consistency check (docs/ANALYSIS.md) and the editors' contradicts links.

    Each row says where its date comes from (about, stated or published), whether it counts a
    stock (held then) or a flow (in a period, or in all since a date), and the supplier.

    Example: equipment-db timeline igla-s Venezuela
    """
    with reading(ctx) as session:
        found = analysis_timeline.timeline(session, system, party, include_deprecated=include_deprecated,
                                           limit=limit)  # fmt: skip
    if as_json:
        emit([found], columns=[], as_json=True)
        return
    rows = [{
        "date": e["date"], "from": e["date_basis"], "claim": e["claim"], "kind": str(e["kind"]),
        "value": e["value_text"] or _value(e), "counts": ", ".join(str(getattr(x, "value", x)) for x in
                                                                    (e["counted"], e["scope"]) if x),
        "measure": "stock" if e["measure"] == "stock" else "flow, in all since" if e["cumulative"] else "flow",
        "supplier": e["counterparty"], "claimant": e["claimant"],
    } for e in found["entries"]]  # fmt: skip
    emit(rows, columns=["date", "from", "claim", "kind", "value", "counts", "measure", "supplier", "claimant"],
         as_json=False, title=f"{found['system']['name']} · {found['party']}")  # fmt: skip
    flags = found["contradictions"]
    typer.echo(f"{len(flags)} flag(s)" + (":" if flags else "."))
    for flag in flags:
        typer.echo(f"- {'[editor] ' if flag['by'] == 'editor' else ''}{flag['sentence']}")


def _value(entry: dict) -> str:  # type: ignore[type-arg]
    low, high = entry["value_low"], entry["value_high"]
    if low is None and high is None:
        return ""
    return f"{low:,.0f}" if low == high or high is None else f"{(low or 0):,.0f}-{high:,.0f}"
