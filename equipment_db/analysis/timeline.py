"""Reads: the quantity claims about one system in one country, in the order of the time they
describe, with reports of one statement grouped and incompatible numbers flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from sqlmodel import Session, col, func, select

from equipment_db.actors.models import Actor
from equipment_db.analysis.queries import sources_by_claim, with_quantity
from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims import rules
from equipment_db.claims.models import Claim, ClaimLink
from equipment_db.claims.text import describe_value, party_name
from equipment_db.errors import MissingValue
from equipment_db.normalize.dates import format_partial, parse_partial_date, stored_edtf
from equipment_db.sources.models import Source
from equipment_db.vocab import DatePrecision, LinkKind, Qualifier, Rank, Scope

# Counts of things held at a moment; the others (delivered, produced, used, ...) count events
# over a period, and add up across periods.
STOCK_SCOPES = {Scope.inventory, Scope.deployed, Scope.mobilised}
# "About 200" is read as 200 ± 10% before values are compared.
APPROXIMATE_TOLERANCE = 0.10


@dataclass(frozen=True)
class When:
    """The time a number is about: first and last day (an open end: the first or last day
    there is), as EDTF, and where it came from."""

    start: date
    end: date
    text: str
    basis: str  # about | stated | published


def _partial(day: date, precision: DatePrecision, basis: str) -> When:
    text = format_partial(day, precision)
    return When(day, parse_partial_date(text, field=basis).end, text, basis)


def when(claim: Claim, sources: Sequence[Source]) -> When | None:
    """The period the claim is `about`; else the date it was `stated` (a statement about the
    present); else the earliest publication date of a source carrying it; else None."""
    if claim.about_edtf:
        return When(claim.about_start or date.min, claim.about_end or date.max, claim.about_edtf, "about")
    stated = stored_edtf(claim.stated_edtf)
    if stated is not None and stated.start is not None and stated.end is not None:
        return When(stated.start, stated.end, stated.text, "stated")
    published = [s for s in sources if s.published_on and s.published_precision]
    if published:
        first = min(published, key=lambda s: s.published_on)  # type: ignore[arg-type,return-value]
        return _partial(first.published_on, first.published_precision, "published")  # type: ignore[arg-type]
    return None


TIMELINE_LIMIT = 200
TIMELINE_MAX = 500  # contradictions compare every pair: 125,000 pairs at most


def timeline(session: Session, system_key: str, country: str, *, include_deprecated: bool = False,
             include_retracted: bool = False, limit: int = TIMELINE_LIMIT) -> dict[str, Any]:  # fmt: skip
    """The latest `limit` quantity claims for (system, party) (by the date they are about,
    else the date stated), in date order (undated last), each with its sources and same_as
    group, and the pairs of claims that contradict each other; `truncated` if there are more.
    `country` names the party as `rules.resolve_party` reads it: a country, actor:NAME or unknown."""
    system = catalog_queries.get_system(session, system_key, field="system")
    if not country or not country.strip():  # blank: the timeline of claims about no party is not one
        raise MissingValue("country", "a country code or name")
    party = rules.resolve_party(country, "party", rules.DatabaseResolver(session), field="country")
    column, value = next((name, v) for name, v in party.items() if v not in (None, False))
    code = party["country"]
    statement = (
        select(Claim, Actor.name)
        .outerjoin(Actor, col(Actor.id) == Claim.claimant_id)
        .where(Claim.system_id == system.id, getattr(Claim, column) == value, with_quantity())
        .order_by(func.coalesce(Claim.about_start, Claim.stated_on).desc().nulls_last(), col(Claim.id).desc())
        .limit(max(1, min(limit, TIMELINE_MAX)) + 1)
    )
    if not include_deprecated:
        statement = statement.where(Claim.rank != Rank.deprecated)
    if not include_retracted:
        statement = statement.where(col(Claim.retracted_at).is_(None))
    rows = session.exec(statement).all()
    truncated = len(rows) > max(1, min(limit, TIMELINE_MAX))
    rows = sorted(rows[: len(rows) - 1] if truncated else rows, key=lambda row: row[0].id)
    ids = [claim.id for claim, _ in rows]
    cited = sources_by_claim(session, ids)  # type: ignore[arg-type]
    linked = session.exec(
        select(ClaimLink.from_claim_id, ClaimLink.to_claim_id).where(
            ClaimLink.kind == LinkKind.same_as, col(ClaimLink.retracted_at).is_(None),
            col(ClaimLink.from_claim_id).in_(ids), col(ClaimLink.to_claim_id).in_(ids))
    ).all()  # fmt: skip

    dated = [(claim, claimant, when(claim, cited[claim.id])) for claim, claimant in rows]  # type: ignore[index]
    dated.sort(key=lambda row: (row[2] is None, row[2].start if row[2] else date.min, row[0].id))
    groups = _groups([claim.id for claim, _, _ in dated], linked)  # type: ignore[misc]
    public = {claim.id: claim.public_id for claim, _, _ in dated}
    entries = []
    for claim, claimant, at in dated:
        members = groups.get(claim.id, [])  # type: ignore[arg-type]
        entries.append({
            "claim": claim.public_id, "kind": claim.kind, "date": at.text if at else None,
            "date_basis": at.basis if at else None, "value_low": claim.value_low,
            "value_high": claim.value_high, "qualifier": claim.qualifier, "value_text": claim.value_text,
            "counted": claim.counted, "scope": claim.scope, "claimant": claimant,
            "verification_status": claim.verification_status,
            "sources": [{"id": s.public_id, "publisher": s.publisher,
                         "published": format_partial(s.published_on, s.published_precision)
                         if s.published_on and s.published_precision else None}
                        for s in cited[claim.id]],  # type: ignore[index]
            "same_as": [public[m] for m in members if m != claim.id],
            "same_as_group": public[members[0]] if members else None,
        })  # fmt: skip
    return {
        "system": {"slug": system.slug, "name": system.name},
        "country": code,
        "party": party_name(code, session.get(Actor, party["party_actor_id"]).name  # type: ignore[union-attr]
                            if party["party_actor_id"] is not None else None, party["party_unknown"]),
        "entries": entries,
        "truncated": truncated,
        "contradictions": contradictions([(claim, at) for claim, _, at in dated], groups),
    }


def _groups(ordered: list[int], links: Sequence[tuple[int, int]]) -> dict[int, list[int]]:
    """Claims joined by same_as links (directly or through others), each group in `ordered` order."""
    parent = {claim_id: claim_id for claim_id in ordered}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for claim_id in ordered:
        members.setdefault(root(claim_id), []).append(claim_id)
    return {m: group for group in members.values() if len(group) > 1 for m in group}


def _bounds(claim: Claim) -> tuple[float, float]:
    low = claim.value_low if claim.value_low is not None else 0.0
    high = claim.value_high if claim.value_high is not None else float("inf")
    if claim.qualifier is Qualifier.approximately:
        low, high = low * (1 - APPROXIMATE_TOLERANCE), high * (1 + APPROXIMATE_TOLERANCE)
    return low, high


def _comparable(a: When, b: When, scope: Scope) -> bool:
    if scope in STOCK_SCOPES:
        return a.start <= b.end and b.start <= a.end
    return (a.start, a.end) == (b.start, b.end)


def contradictions(
    dated: Sequence[tuple[Claim, When | None]], groups: dict[int, list[int]]
) -> list[dict[str, Any]]:
    """Pairs of claims that cannot both be true. Both must:

    - count the same thing in the same state (`counted` and `scope`), each with a number;
    - be about the same time: for stocks (inventory, deployed, mobilised) their periods overlap;
      for counts of events (delivered, ordered, produced, used, lost) the periods are the same,
      since deliveries in 2009 and in 2010, or in 2009 and in 2009-2012, add up rather than
      compete (so SIPRI's 1,800 in 2009, ~200 in 2010 and 2,000 in 2012 are not contradictions);
    - have values whose intervals do not intersect: [low, high] with an open end for "at least"
      or "up to", bounds treated as closed, and "approximately" widened by 10% each way.

    Reports of one statement (a same_as group) are never compared with each other, and claims
    with no date at all are not compared. The pair is flagged, not resolved.
    """
    found = []
    for (a, at_a), (b, at_b) in combinations(dated, 2):
        if at_a is None or at_b is None or a.counted is None or a.scope is None:
            continue
        if (a.counted, a.scope) != (b.counted, b.scope) or b.id in groups.get(a.id, []):  # type: ignore[arg-type]
            continue
        if a.qualifier is Qualifier.unspecified or b.qualifier is Qualifier.unspecified:
            continue
        if not _comparable(at_a, at_b, a.scope):
            continue
        (low_a, high_a), (low_b, high_b) = _bounds(a), _bounds(b)
        if high_a < low_b or high_b < low_a:
            found.append({"claims": [a.public_id, b.public_id], "counted": a.counted, "scope": a.scope,
                          "values": [describe_value(a), describe_value(b)], "dates": [at_a.text, at_b.text]})  # fmt: skip
    return found
