"""Reads: the quantity claims about one system and one party, in the order of the time they
describe (the end of the period, then its start, undated last), with reports of one statement
grouped and the conflicts the consistency checker finds (analysis/consistency.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Enum, String, type_coerce
from sqlmodel import Session, col, func, select

from equipment_db.actors import queries as actor_queries
from equipment_db.actors.models import Actor
from equipment_db.analysis import consistency
from equipment_db.analysis.consistency import STOCK_SCOPES
from equipment_db.analysis.queries import SourceRef, sources_by_claim, with_quantity
from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims import rules
from equipment_db.claims.models import Claim
from equipment_db.claims.text import describe_value, party_name
from equipment_db.errors import MissingValue
from equipment_db.normalize.dates import format_partial, parse_partial_date, stored_edtf
from equipment_db.reads import driver_rows, placeholders
from equipment_db.vocab import DatePrecision, LinkKind, Rank


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


def when(claim: Claim, sources: Sequence[SourceRef]) -> When | None:
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


# The claim columns the timeline reads (its entries, `when`, `_fact` and `describe_value`).
# The other 24 (the JSON list of claimants, five more enums, the write times, the notes) cost
# more to convert than these, for nothing.
_READ = ("id", "public_id", "kind", "attribute", "value_low", "value_high", "unit", "original_unit", "original_low",
         "original_high", "qualifier", "value_text", "counted", "scope", "stance", "counterparty_country",
         "counterparty_actor_id", "counterparty_unknown", "stated_edtf", "about_edtf", "about_start", "about_end",
         "verification_status")  # fmt: skip
# The vocabularies as the text they are stored as: they are StrEnums, so the text compares,
# hashes and words the same, and the response model makes the members (1,400 conversions a
# timeline saved).
_COLUMNS = [type_coerce(column, String).label(name) if isinstance((column := Claim.__table__.c[name]).type, Enum)  # type: ignore[attr-defined]
            else column for name in _READ]  # fmt: skip


# the links between two of a timeline's claims that it reads, in one statement on the driver
_LINKS = {kind.value: kind for kind in (LinkKind.same_as, LinkKind.supersedes, LinkKind.contradicts)}
_LINKS_SQL = ("SELECT from_claim_id, to_claim_id, kind FROM claim_link WHERE kind IN (?, ?, ?) AND retracted_at IS NULL "
              "AND from_claim_id IN ({0}) AND to_claim_id IN ({0})")  # fmt: skip


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
    # the claims as rows, read by name like the model (201 model objects cost 5 ms), of the
    # columns read here
    statement = (
        select(*_COLUMNS, Actor.name.label("claimant_name"))
        .outerjoin(Actor, col(Actor.id) == Claim.claimant_id)
        .where(Claim.system_id == system.id, getattr(Claim, column) == value, with_quantity())
        .order_by(func.coalesce(Claim.about_start, Claim.stated_on).desc().nulls_last(), col(Claim.id).desc())
        .limit(max(1, min(limit, TIMELINE_MAX)) + 1)
    )
    if not include_deprecated:
        statement = statement.where(Claim.rank != Rank.deprecated)
    if not include_retracted:
        statement = statement.where(col(Claim.retracted_at).is_(None))
    found = session.execute(statement).all()
    truncated = len(found) > max(1, min(limit, TIMELINE_MAX))
    rows = sorted(((row, row.claimant_name) for row in (found[: len(found) - 1] if truncated else found)),
                  key=lambda pair: pair[0].id)  # fmt: skip
    ids = [claim.id for claim, _ in rows]
    cited = sources_by_claim(session, ids)  # type: ignore[arg-type]
    links = [(a, b, _LINKS[kind]) for a, b, kind in driver_rows(session, _LINKS_SQL.format(placeholders(len(ids))),
                                                                 [*_LINKS, *ids, *ids])] if ids else []  # fmt: skip
    linked = [(a, b) for a, b, kind in links if kind is LinkKind.same_as]

    dated = [(claim, claimant, when(claim, cited[claim.id])) for claim, claimant in rows]  # type: ignore[index]
    # by the end of the period, then its start; undated last
    dated.sort(key=lambda row: (row[2] is None, row[2].end if row[2] else date.min,
                                row[2].start if row[2] else date.min, row[0].id))  # fmt: skip
    groups = consistency.same_as_groups([claim.id for claim, _, _ in dated], linked)  # type: ignore[misc]
    public = {claim.id: claim.public_id for claim, _, _ in dated}
    counterparties = _counterparties(session, [claim for claim, _, _ in dated])
    entries = []
    for claim, claimant, at in dated:
        members = groups.get(claim.id, [])  # type: ignore[arg-type]
        entries.append({
            "claim": claim.public_id, "kind": claim.kind, "date": at.text if at else None,
            "date_basis": at.basis if at else None, "value_low": claim.value_low,
            "value_high": claim.value_high, "qualifier": claim.qualifier, "value_text": claim.value_text,
            "counted": claim.counted, "scope": claim.scope, "claimant": claimant,
            "counterparty": counterparties.get(claim.id),
            "measure": "stock" if claim.scope in STOCK_SCOPES else "flow",
            "cumulative": claim.scope not in STOCK_SCOPES and bool(claim.about_edtf and "/.." in claim.about_edtf),
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
        "contradictions": [
            {"claims": flag.claims, "counted": flag.basis[0], "scope": flag.basis[1], "rule": flag.rule,
             "sentence": flag.sentence, "by": flag.by}
            for flag in consistency.check(
                [_fact(claim, claimant, at, cited[claim.id]) for claim, claimant, at in dated],  # type: ignore[index]
                same_as=[(public[a], public[b]) for a, b in linked],
                superseded=[public[b] for a, b, kind in links if kind is LinkKind.supersedes],
                contradicts=[(public[a], public[b]) for a, b, kind in links if kind is LinkKind.contradicts])
        ],
    }


def _counterparties(session: Session, claims: Sequence[Claim]) -> dict[int, str]:
    """Each claim's counterparty (a transfer's supplier) by name."""
    actors = actor_queries.actor_names(session, (c.counterparty_actor_id for c in claims))
    named = {c.id: party_name(c.counterparty_country, actors.get(c.counterparty_actor_id), c.counterparty_unknown)
             for c in claims}  # fmt: skip
    return {k: v for k, v in named.items() if v}  # type: ignore[misc]


def _fact(claim: Claim, claimant: str | None, at: When | None, sources: Sequence[SourceRef]) -> consistency.Fact:
    """A claim as the checker reads it; its label names it in a flag: `C-AAA: more than 700
    missiles, delivered, 2022-02/2022-12 (Test Official, via Anadolu Agency)`, worded only if a
    flag names it."""
    scope = claim.scope

    def label() -> str:
        who = ", ".join(part for part in (claimant, f"via {sources[0].publisher}" if sources and sources[0].publisher
                                          else None) if part)  # fmt: skip
        return f"{claim.public_id}: {describe_value(claim) or 'no number'}{', ' + scope if scope else ''}" + (
            f", {at.text}" if at else "") + (f" ({who})" if who else "")  # fmt: skip

    actor = f"actor:{claim.counterparty_actor_id}" if claim.counterparty_actor_id is not None else None
    counterparty = claim.counterparty_country or actor or ("unknown" if claim.counterparty_unknown else None)
    return consistency.Fact(
        id=claim.public_id, kind=claim.kind, scope=scope, counted=claim.counted,
        party="party", counterparty=counterparty, start=at.start if at else None, end=at.end if at else None,
        low=claim.value_low, high=claim.value_high, qualifier=claim.qualifier, stance=claim.stance, describe=label,
    )  # fmt: skip
