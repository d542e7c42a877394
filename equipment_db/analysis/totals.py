"""Totals per system, party and year, read the way the timeline and the consistency check read
claims (docs/ANALYSIS.md, "Totals"):

- a claim's time is its `about` period, else the day it was stated, else the earliest
  publication of a source that carries it (`timeline.when`);
- flows (delivered, ordered, pledged, ...) whose period lies within one calendar year are
  added up over distinct statements: a same_as group counts once; superseded (a supersedes
  link's target), deprecated and retracted claims are left out; denials add nothing. A flow
  over several years belongs to no one year and is not in these rows (the timeline shows it);
- stocks (inventory, deployed, mobilised) are given as the lowest and the highest figure
  claimed in the year;
- each row lists the claims it comes from and says whether any of them is an estimate (a
  qualifier other than exact).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors import queries as actor_queries
from equipment_db.analysis import consistency
from equipment_db.analysis.queries import sources_by_claim, with_quantity
from equipment_db.analysis.timeline import when
from equipment_db.catalog.models import System
from equipment_db.claims.models import Claim, ClaimLink
from equipment_db.claims.text import party_name
from equipment_db.vocab import ClaimKind, Counted, LinkKind, Qualifier, Rank, Scope, Stance


def quantities(session: Session, system: System, *, kind: ClaimKind | None = None, counted: str | None = None,
               country: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Rows of (party, year, kind, counted, scope): the claims, the total or the range, and
    whether an estimate is in it; ordered by party, year, kind, counted and scope."""
    statement = select(Claim).where(Claim.system_id == system.id, with_quantity(), col(Claim.retracted_at).is_(None),
                                    Claim.rank != Rank.deprecated)  # fmt: skip
    if kind is not None:
        statement = statement.where(Claim.kind == kind)
    if counted is not None:
        statement = statement.where(Claim.counted == counted)
    if country is not None:
        statement = statement.where(Claim.country == country)
    claims = [c for c in session.exec(statement).all() if c.stance is not Stance.denies]
    ids = [c.id for c in claims]
    links = session.exec(select(ClaimLink.from_claim_id, ClaimLink.to_claim_id, ClaimLink.kind).where(
        col(ClaimLink.kind).in_([LinkKind.same_as, LinkKind.supersedes]), col(ClaimLink.retracted_at).is_(None),
        col(ClaimLink.to_claim_id).in_(ids))).all() if ids else []  # fmt: skip
    superseded = {b for _, b, k in links if k is LinkKind.supersedes}
    groups = consistency.same_as_groups(ids, [(a, b) for a, b, k in links if k is LinkKind.same_as])
    undated = [c.id for c in claims if not c.about_edtf and not c.stated_edtf]
    published = sources_by_claim(session, undated) if undated else {}  # type: ignore[arg-type]
    actors = actor_queries.actor_names(session, (c.party_actor_id for c in claims))
    rows: dict[tuple[Any, ...], list[Claim]] = defaultdict(list)
    seen: set[int] = set()
    for claim in sorted(claims, key=lambda c: c.id):  # type: ignore[arg-type,return-value]
        first = groups.get(claim.id, [claim.id])[0]  # type: ignore[arg-type]
        if claim.id in superseded or first in seen:
            continue
        seen.add(first)  # type: ignore[arg-type]
        at = when(claim, published.get(claim.id, []))  # type: ignore[arg-type]
        stock = getattr(claim.scope, "value", None) in consistency.STOCK_SCOPES
        if at is None or (not stock and at.start.year != at.end.year):
            continue
        party = party_name(claim.country, actors.get(claim.party_actor_id), claim.party_unknown)  # type: ignore[arg-type]
        rows[(party or "", at.start.year, claim.kind.value, getattr(claim.counted, "value", None) or "",
              getattr(claim.scope, "value", None) or "", claim.country, stock)].append(claim)  # fmt: skip
    return [_row(key, found) for key, found in sorted(rows.items(), key=lambda item: item[0][:5])]


def _row(key: tuple[Any, ...], claims: list[Claim]) -> dict[str, Any]:
    party, year, kind, counted, scope, country, stock = key
    lows = [c.value_low if c.value_low is not None else (0.0 if c.value_high is not None else None) for c in claims]
    highs = [c.value_high for c in claims]
    numbered = [low for low in lows if low is not None]
    if stock:
        low = min(numbered, default=None)
        high = max((h for h in highs if h is not None), default=None)
    else:
        low = sum(numbered) if numbered else None
        high = None if any(h is None for h in highs) else sum(h for h in highs if h is not None)
    return {"country": country, "party": party, "year": year, "kind": ClaimKind(kind),
            "counted": Counted(counted) if counted else None, "scope": Scope(scope) if scope else None,
            "measure": "stock" if stock else "flow", "claims": len(claims),
            "claim_ids": [c.public_id for c in claims], "low": low, "high": high,
            "estimate": any(c.qualifier not in (None, Qualifier.exact) for c in claims)}  # fmt: skip
