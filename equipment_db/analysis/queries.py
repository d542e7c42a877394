"""Reads across domains: system summaries, specification values, countries, quantities.

Every function runs a fixed number of statements whatever the number of rows: related rows
come in one `IN (...)` batch or a join, never one query per row. "Active" claims are those
neither retracted nor ranked deprecated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog.models import System
from equipment_db.claims.conditions import active
from equipment_db.claims.models import Claim
from equipment_db.claims.rules import QUANTITY_KINDS
from equipment_db.errors import InvalidValue, NotFound
from equipment_db.normalize.countries import country_code, country_name
from equipment_db.reads import driver_rows, placeholders
from equipment_db.vocab import Attribute, ClaimKind, DatePrecision, Qualifier, Rank

ATTRIBUTE_ORDER = {attribute: i for i, attribute in enumerate(Attribute)}
# The driver's text to enums, by dict (calling the enum costs more, thousands of times a request)
_ATTRIBUTES = {a.value: a for a in Attribute}
_QUALIFIERS = {q.value: q for q in Qualifier}
_RANKS = {r.value: r for r in Rank}
_PRECISIONS = {p.value: p for p in DatePrecision}
_SPECIFICATION = ClaimKind.specification.value


def with_quantity() -> Any:
    """Quantity claims (inventory, deployment, transfer, ...) with a number or an unspecified one."""
    return and_(
        col(Claim.kind).in_(list(QUANTITY_KINDS)),
        or_(col(Claim.value_low).is_not(None), col(Claim.value_high).is_not(None),
            Claim.qualifier == Qualifier.unspecified),
    )  # fmt: skip


class SourceRef(NamedTuple):
    """What the readers of a claim's sources use: its ids, names and publication date."""

    id: int
    public_id: str
    publisher: str | None
    title: str | None
    published_on: date | None
    published_precision: DatePrecision | None


def sources_by_claim(session: Session, claim_ids: Sequence[int]) -> dict[int, list[SourceRef]]:
    """The sources carrying each claim (active citations, in citation order), in one query, as
    rows of the columns used, read on the driver's cursor (a timeline reads 600 sources: as
    model objects they cost 9 ms, as SQLAlchemy rows 4 ms)."""
    found: dict[int, list[SourceRef]] = {claim_id: [] for claim_id in claim_ids}
    if not found:
        return found
    rows = driver_rows(session, "SELECT ct.claim_id, s.id, s.public_id, s.publisher, s.title, s.published_on, "
                                "s.published_precision FROM citation AS ct JOIN source AS s ON s.id = ct.source_id "
                                f"WHERE ct.claim_id IN ({placeholders(len(found))}) AND ct.retracted_at IS NULL "
                                "ORDER BY ct.id", list(found))  # fmt: skip
    for claim_id, source_id, public_id, publisher, title, published_on, precision in rows:
        if all(known.id != source_id for known in found[claim_id]):
            found[claim_id].append(SourceRef(
                source_id, public_id, publisher, title,
                date.fromisoformat(published_on) if isinstance(published_on, str) else published_on,  # SQLite: text
                _PRECISIONS[precision] if precision is not None else None))  # fmt: skip
    return found


SPEC_VALUES_SHOWN = 5  # per attribute and system; /v1/claims?system=&kind=specification&attribute= lists all


def claim_counts(session: Session, system_ids: Sequence[int], *,
                 kind: ClaimKind | None = None) -> list[tuple[int, str, str, str, int]]:  # fmt: skip
    """(system id, kind, country, attribute, n) of active claims (of one `kind`, or all), from
    `claim_count`, which triggers keep (migration 0005); '' stands for no country or attribute."""
    if not system_ids:
        return []
    sql = f"SELECT system_id, kind, country, attribute, n FROM claim_count WHERE system_id IN " \
          f"({placeholders(len(system_ids))}) AND n > 0{' AND kind = ?' if kind is not None else ''}"  # fmt: skip
    rows = driver_rows(session, sql, [*system_ids, kind.value] if kind is not None else system_ids)
    return [tuple(row) for row in rows]  # type: ignore[misc]


def specification_counts(
    session: Session, system_ids: Sequence[int], counted: list[tuple[int, str, str, str, int]] | None = None
) -> dict[int, dict[Attribute, int]]:
    """Active specification values per system and attribute; `counted`: `claim_counts`
    rows already read for these systems."""
    counts: dict[int, dict[Attribute, int]] = {system_id: {} for system_id in system_ids}
    rows = counted if counted is not None else claim_counts(session, system_ids, kind=ClaimKind.specification)
    for system_id, kind, _, attribute, n in rows:
        if kind == _SPECIFICATION and attribute:
            found, attribute = counts[system_id], _ATTRIBUTES[attribute]
            found[attribute] = found.get(attribute, 0) + n
    return counts


class SpecValue(NamedTuple):
    """A specification value as the summaries read it (enums made from the driver's text)."""

    id: int
    system_id: int
    attribute: Attribute
    public_id: str
    value_low: float | None
    value_high: float | None
    unit: str | None
    original_unit: str | None
    original_low: str | None
    original_high: str | None
    qualifier: Qualifier | None
    value_text: str | None
    rank: Rank


_VALUES = ("SELECT id, system_id, attribute, public_id, value_low, value_high, unit, original_unit, original_low, "
           "original_high, qualifier, value_text, rank FROM claim WHERE id IN ({}) ORDER BY id")  # fmt: skip


def _spec_values(session: Session, ids: set[int]) -> list[SpecValue]:
    rows = driver_rows(session, _VALUES.format(placeholders(len(ids))), sorted(ids)) if ids else []
    return [SpecValue(i, system_id, _ATTRIBUTES[attribute], public_id, low, high, unit, original_unit, original_low,
                      original_high, _QUALIFIERS[qualifier] if qualifier else None, text, _RANKS[rank])
            for i, system_id, attribute, public_id, low, high, unit, original_unit, original_low, original_high,
            qualifier, text, rank in rows]  # fmt: skip


def _value_ids(
    session: Session, counts: dict[int, dict[Attribute, int]], deprecated: dict[int, dict[Attribute, int]]
) -> set[int]:
    """The ids of the values shown: per (system, attribute) the first SPEC_VALUES_SHOWN by id
    (each read from the (system_id, kind, attribute, id) index and stopped there), the
    preferred ones (the partial index on preferred claims; `+kind`, a literal rank and no
    parameters there, so that the planner takes it), and per (system, attribute) in
    `deprecated` the first SPEC_VALUES_SHOWN ranked deprecated. One statement, as text: built
    per call as SQLAlchemy expressions it cost more than running it."""
    firsts = [(system_id, attribute, "<>") for system_id, found in counts.items() for attribute in found]
    firsts += [(system_id, attribute, "=") for system_id, found in deprecated.items() for attribute in found]
    if not firsts:
        return set()
    parts = [
        f"SELECT id FROM (SELECT id FROM claim WHERE system_id = ? AND kind = 'specification' "
        f"AND attribute = ? AND retracted_at IS NULL AND rank {rank} 'deprecated' "
        f"ORDER BY id LIMIT {SPEC_VALUES_SHOWN}) AS first{n}"
        for n, (_, _, rank) in enumerate(firsts)
    ]
    systems = ", ".join(str(int(system_id)) for system_id in counts)
    kind = "+kind" if session.get_bind().dialect.name == "sqlite" else "kind"  # `+`: SQLite's "no index"
    parts.append(f"SELECT id FROM claim WHERE system_id IN ({systems}) AND {kind} = 'specification' "
                 "AND rank = 'preferred' AND retracted_at IS NULL")  # fmt: skip
    params = [value for system_id, attribute, _ in firsts for value in (system_id, attribute.value)]
    return {row[0] for row in driver_rows(session, " UNION ".join(parts), params)}


_DEPRECATED = ("SELECT system_id, attribute, count(*) FROM claim WHERE system_id IN ({}) "
               "AND {} = 'specification' AND rank = 'deprecated' AND retracted_at IS NULL "
               "GROUP BY system_id, attribute")  # fmt: skip


def deprecated_counts(session: Session, system_ids: Sequence[int]) -> dict[int, dict[Attribute, int]]:
    """Specification values ranked deprecated (and not retracted) per system and attribute, in
    one grouped statement, from the partial index on deprecated claims (migration 0019; `+kind`
    keeps SQLite's planner from the index on all of a system's specifications); a system or
    attribute without any is absent."""
    counts: dict[int, dict[Attribute, int]] = {system_id: {} for system_id in system_ids}
    if not system_ids:
        return counts
    kind = "+kind" if session.get_bind().dialect.name == "sqlite" else "kind"
    sql = _DEPRECATED.format(placeholders(len(system_ids)), kind)
    for system_id, attribute, n in driver_rows(session, sql, system_ids):
        if attribute is not None:
            counts[system_id][_ATTRIBUTES[attribute]] = n
    return counts


_PUBLISHERS = ("SELECT citation.claim_id, source.publisher, source.title, source.public_id FROM citation "
               "JOIN source ON source.id = citation.source_id "
               "WHERE citation.claim_id IN ({}) AND citation.retracted_at IS NULL ORDER BY citation.id")  # fmt: skip


def publishers_by_claim(session: Session, claim_ids: Sequence[int]) -> dict[int, list[str]]:
    """Who carries each claim (publisher, else title, else id; active citations in order)."""
    found: dict[int, list[str]] = {claim_id: [] for claim_id in claim_ids}
    if not claim_ids:
        return found
    for claim_id, publisher, title, public_id in driver_rows(
            session, _PUBLISHERS.format(placeholders(len(claim_ids))), claim_ids):  # fmt: skip
        name = publisher or title or public_id
        if name not in found[claim_id]:
            found[claim_id].append(name)
    return found


def specification_values(
    session: Session,
    system_ids: Sequence[int],
    counts: dict[int, dict[Attribute, int]] | None = None,
    *,
    deprecated: dict[int, dict[Attribute, int]] | None = None,
) -> dict[int, dict[Attribute, list[dict[str, Any]]]]:
    """Per system, per attribute (vocabulary order): the preferred value, then the first
    active values in id order, at most SPEC_VALUES_SHOWN in all; with `deprecated`
    (`deprecated_counts`), then the first SPEC_VALUES_SHOWN values ranked deprecated too. One
    query for the ids, one for the values, one for their sources, however many values a
    system has."""
    counts = counts if counts is not None else specification_counts(session, system_ids)
    ids = _value_ids(session, counts, deprecated or {})
    claims = _spec_values(session, ids)
    cited = publishers_by_claim(session, [c.id for c in claims])
    grouped: dict[int, dict[Attribute, list[Any]]] = {system_id: defaultdict(list) for system_id in system_ids}
    for claim in claims:
        grouped[claim.system_id][claim.attribute].append(claim)
    result: dict[int, dict[Attribute, list[dict[str, Any]]]] = {}
    for system_id, by_attribute in grouped.items():
        result[system_id] = {}
        for attribute in sorted(by_attribute, key=ATTRIBUTE_ORDER.__getitem__):
            values = [c for c in by_attribute[attribute] if c.rank is not Rank.deprecated]
            chosen = next((c for c in values if c.rank is Rank.preferred), None)
            if chosen is None and values and counts[system_id].get(attribute) == 1:
                chosen = values[0]
            ordered = sorted(values, key=lambda c: (c is not chosen, c.id))[:SPEC_VALUES_SHOWN]
            ordered += [c for c in by_attribute[attribute] if c.rank is Rank.deprecated][:SPEC_VALUES_SHOWN]
            result[system_id][attribute] = [_value(c, cited[c.id], c is chosen) for c in ordered]
    return result


def _value(claim: Any, sources: list[str], preferred: bool) -> dict[str, Any]:
    return {"claim": claim.public_id, "value_low": claim.value_low, "value_high": claim.value_high,
            "unit": claim.unit, "original_unit": claim.original_unit, "original_low": claim.original_low,
            "original_high": claim.original_high, "qualifier": claim.qualifier,
            "value_text": claim.value_text, "rank": claim.rank, "preferred": preferred,
            "sources": sources}  # fmt: skip


_CAPABLE = ("SELECT target_type.slug, target_type.name, claim.public_id FROM target_type "
            "JOIN claim ON claim.target_type_id = target_type.id WHERE claim.system_id = ? "
            "AND claim.kind = 'capability' AND claim.retracted_at IS NULL AND claim.rank <> 'deprecated' "
            "ORDER BY target_type.slug, claim.public_id")  # fmt: skip


def system_summary(session: Session, system: System | catalog_queries.SystemRow) -> dict[str, Any]:
    """The system's record (`catalog.queries.system_view`), then one entry per specification
    attribute, the target types it can engage and its claim counts."""
    counted = claim_counts(session, [system.id])  # type: ignore[list-item]
    spec_counts = specification_counts(session, [system.id], counted)  # type: ignore[list-item]
    values = specification_values(session, [system.id], spec_counts)[system.id]  # type: ignore[list-item,index]
    specifications = [
        {"attribute": attribute, "preferred": next((v for v in found if v["preferred"]), None),
         "competing": spec_counts[system.id][attribute], "values": found}  # type: ignore[index]
        for attribute, found in values.items()
    ]  # fmt: skip
    capable = driver_rows(session, _CAPABLE, (system.id,))
    targets: dict[str, dict[str, Any]] = {}
    for slug, name, claim_id in capable:
        targets.setdefault(slug, {"slug": slug, "name": name, "claims": []})["claims"].append(claim_id)
    by_kind: dict[str, int] = defaultdict(int)
    by_country: dict[str, int] = defaultdict(int)
    for _, kind, country, _, n in counted:
        by_kind[kind] += n
        if country:
            by_country[country] += n
    return catalog_queries.system_view(session, system) | {
        "specifications": specifications,
        "target_types": list(targets.values()),
        "claim_counts": {"by_kind": dict(sorted(by_kind.items())), "by_country": dict(sorted(by_country.items()))},
    }  # fmt: skip


def resolve_country(key: str, *, field: str = "code") -> str:
    """An ISO code for a code or name; an unknown country is not found (404), not invalid."""
    try:
        code = country_code(key, field=field)
    except InvalidValue:
        raise NotFound("country", key, field=field) from None
    if code is None:
        raise NotFound("country", key, field=field)
    return code


def country_summary(session: Session, key: str) -> dict[str, Any]:
    """Active claims about a country by kind, as subject and as counterparty, and the systems
    that its quantity claims are about."""
    code = resolve_country(key)
    as_subject = session.exec(
        select(Claim.kind, func.count()).where(Claim.country == code, active()).group_by(Claim.kind)
    ).all()
    as_counterparty = session.exec(
        select(Claim.kind, func.count())
        .where(Claim.counterparty_country == code, active())
        .group_by(Claim.kind)
    ).all()
    systems = session.exec(
        select(System.slug, System.name, func.count(col(Claim.id)))
        .join(Claim, col(Claim.system_id) == System.id)
        .where(Claim.country == code, active(), with_quantity())
        .group_by(col(System.id), System.slug, System.name)
        .order_by(System.slug)
    ).all()
    return {
        "code": code,
        "name": country_name(code),
        "claims_as_subject": {k.value: n for k, n in sorted(as_subject)},
        "claims_as_counterparty": {k.value: n for k, n in sorted(as_counterparty)},
        "systems": [{"slug": slug, "name": name, "quantity_claims": n} for slug, name, n in systems],
    }


def value_assessments(session: Session, public_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """For the pages: per claim public id, its verification status, its Admiralty grade
    (reliability + credibility, "B2"; None when not assessed) and its sources in citation
    order (id, name), each once. Two queries whatever the number of claims."""
    if not public_ids:
        return {}
    claims = session.execute(
        select(Claim.id, Claim.public_id, Claim.verification_status, Claim.reliability, Claim.credibility)
        .where(col(Claim.public_id).in_(list(public_ids)))
    ).all()  # fmt: skip
    by_id: dict[int, dict[str, Any]] = {}
    for claim_id, _public_id, status, reliability, credibility in claims:
        grade = f"{reliability or ''}{credibility or ''}" or None
        by_id[claim_id] = {"status": status, "grade": grade, "sources": []}
    for claim_id, sources in sources_by_claim(session, list(by_id)).items():
        seen = by_id[claim_id]["sources"]
        for source in sources:
            if all(s["id"] != source.public_id for s in seen):
                seen.append({"id": source.public_id, "name": source.publisher or source.title or source.public_id})
    return {found_public: by_id[claim_id] for claim_id, found_public, *_ in claims}
