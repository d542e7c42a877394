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
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors import queries as actor_queries
from equipment_db.analysis import consistency
from equipment_db.analysis.queries import sources_by_claim, with_quantity
from equipment_db.analysis.timeline import when
from equipment_db.claims.models import Claim, ClaimLink
from equipment_db.claims.text import party_name
from equipment_db.vocab import ClaimKind, Counted, LinkKind, Qualifier, Rank, Scope, Stance

_COLUMNS = (Claim.id, Claim.public_id, Claim.kind, Claim.counted, Claim.scope, Claim.country, Claim.party_actor_id,
            Claim.party_unknown, Claim.value_low, Claim.value_high, Claim.qualifier, Claim.about_edtf,
            Claim.about_start, Claim.about_end, Claim.stated_edtf)  # fmt: skip


def quantities(session: Session, system_id: int) -> list[dict[str, Any]]:
    """Rows of (party, year, kind, counted, scope): the claims, the total or the range, and
    whether an estimate is in it; ordered by party, year, kind, counted and scope. Readers take
    them as `stored` keeps them (computed when a write changes them, migration 0020).

    The claims are read as rows of the columns used (a system of the benchmark's S scale has
    15,000 quantity claims: loading each as a model object cost most of the request), and their
    links through the same condition in SQL rather than a list of ids."""
    where = [Claim.system_id == system_id, with_quantity(), col(Claim.retracted_at).is_(None),
             Claim.rank != Rank.deprecated, Claim.stance != Stance.denies]  # fmt: skip
    claims = session.execute(select(*_COLUMNS).where(*where).order_by(Claim.id)).all()
    ids = [c.id for c in claims]
    links = session.exec(select(ClaimLink.from_claim_id, ClaimLink.to_claim_id, ClaimLink.kind).where(
        col(ClaimLink.kind).in_([LinkKind.same_as, LinkKind.supersedes]), col(ClaimLink.retracted_at).is_(None),
        col(ClaimLink.to_claim_id).in_(select(Claim.id).where(*where)))).all() if ids else []  # fmt: skip
    superseded = {b for _, b, k in links if k is LinkKind.supersedes}
    groups = consistency.same_as_groups(ids, [(a, b) for a, b, k in links if k is LinkKind.same_as])
    undated = [c.id for c in claims if not c.about_edtf and not c.stated_edtf]
    published = sources_by_claim(session, undated) if undated else {}
    actors = actor_queries.actor_names(session, (c.party_actor_id for c in claims))
    rows: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    seen: set[int] = set()
    for claim in claims:  # in id order; unpacked, as attribute access on 15,000 rows costs
        (claim_id, public_id, kind_, counted_, scope_, country_, actor_id, unknown, low, high, qualifier,
         about_edtf, about_start, about_end, _) = claim  # fmt: skip
        first = groups.get(claim_id, (claim_id,))[0]
        if first in seen or claim_id in superseded:
            continue
        seen.add(first)
        if about_edtf:  # `when` for the period the claim is about, without building it
            years = ((about_start or date.min).year, (about_end or date.max).year)
        else:
            at = when(claim, published.get(claim_id, ()))  # type: ignore[arg-type]
            if at is None:
                continue
            years = (at.start.year, at.end.year)
        scope = scope_.value if scope_ is not None else ""
        stock = scope in consistency.STOCK_SCOPES
        if not stock and years[0] != years[1]:
            continue
        party = party_name(country_, actors.get(actor_id), unknown)
        rows[(party or "", years[0], kind_.value, counted_.value if counted_ is not None else "", scope, country_,
              stock)].append((public_id, low, high, qualifier))  # fmt: skip
    return [_row(key, found) for key, found in sorted(rows.items(), key=lambda item: item[0][:5])]


def _row(key: tuple[Any, ...], claims: list[tuple[Any, ...]]) -> dict[str, Any]:
    """One row from its claims' (public id, low, high, qualifier)."""
    party, year, kind, counted, scope, country, stock = key
    lows = [low if low is not None else (0.0 if high is not None else None) for _, low, high, _ in claims]
    highs = [high for _, _, high, _ in claims]
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
            "claim_ids": [c[0] for c in claims], "low": low, "high": high,
            "estimate": any(c[3] not in (None, Qualifier.exact) for c in claims)}  # fmt: skip
