"""Reads: several systems side by side, every competing value kept with its sources."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.analysis.queries import (
    ATTRIBUTE_ORDER,
    active,
    publishers_by_claim,
    specification_values,
)
from equipment_db.catalog import queries as catalog_queries
from equipment_db.catalog.models import System, TargetType
from equipment_db.claims.models import Claim
from equipment_db.errors import InvalidValue, MissingValue
from equipment_db.vocab import ClaimKind

MIN_SYSTEMS = 2
MAX_SYSTEMS = 10


def resolve_systems(session: Session, keys: Sequence[str], *, field: str = "systems") -> list[System]:
    """2 to 10 distinct systems, each by slug or alias, in the order given. Blank keys are ignored;
    the count is checked before any lookup, so that eleven unknown names are "too many"."""
    wanted = [key.strip() for key in keys if key and key.strip()]
    shown = ",".join(wanted)
    if not wanted:
        raise MissingValue(field, f"to compare: {MIN_SYSTEMS} to {MAX_SYSTEMS} systems, comma-separated")
    if not MIN_SYSTEMS <= len(wanted) <= MAX_SYSTEMS:
        raise InvalidValue(
            field,
            shown,
            f"names {len(wanted)} system{'s' if len(wanted) != 1 else ''}: compare {MIN_SYSTEMS} to {MAX_SYSTEMS}",
        )
    systems: list[System] = []
    for key in wanted:
        system = catalog_queries.get_system(session, key, field=field)
        if any(known.id == system.id for known in systems):
            raise InvalidValue(field, key, f"names {system.slug} a second time")
        systems.append(system)
    return systems


def compare_systems(session: Session, keys: Sequence[str], *, field: str = "systems") -> dict[str, Any]:
    """Specifications as rows (per system: every active value, the preferred one first and marked),
    a target-type matrix of capability claims, and the sources' comparisons between the listed systems."""
    systems = resolve_systems(session, keys, field=field)
    ids = [s.id for s in systems]
    slugs = {s.id: s.slug for s in systems}
    values = specification_values(session, ids)  # type: ignore[arg-type]
    attributes = sorted({a for found in values.values() for a in found}, key=ATTRIBUTE_ORDER.__getitem__)
    rows = [{"attribute": a, "systems": {s.slug: values[s.id].get(a, []) for s in systems}}  # type: ignore[index]
            for a in attributes]  # fmt: skip

    capable = session.exec(
        select(TargetType.slug, Claim.system_id, Claim.public_id)
        .join(Claim, col(Claim.target_type_id) == TargetType.id)
        .where(col(Claim.system_id).in_(ids), Claim.kind == ClaimKind.capability, active())
        .order_by(TargetType.slug, Claim.public_id)
    ).all()
    matrix: dict[str, dict[str, list[str]]] = {}
    for target, system_id, claim_id in capable:
        matrix.setdefault(target, {s.slug: [] for s in systems})[slugs[system_id]].append(claim_id)  # type: ignore[index]

    compared = session.exec(
        select(Claim)
        .where(Claim.kind == ClaimKind.comparison, col(Claim.system_id).in_(ids),
               col(Claim.related_system_id).in_(ids), active())
        .order_by(Claim.id)
    ).all()  # fmt: skip
    cited = publishers_by_claim(session, [c.id for c in compared])  # type: ignore[misc]
    comparisons = [{"claim": c.public_id, "system": slugs[c.system_id], "related_system": slugs[c.related_system_id],  # type: ignore[index]
                    "value_text": c.value_text, "sources": cited[c.id]}  # type: ignore[index]
                   for c in compared]  # fmt: skip
    return {
        "systems": [{"slug": s.slug, "name": s.name} for s in systems],
        "attributes": rows,
        "target_types": matrix,
        "comparisons": comparisons,
    }
