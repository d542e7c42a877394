"""Reads: several systems side by side, every competing value kept with its sources.

Each attribute's row has one unit, the canonical unit of the attribute's dimension (metres,
metres per second, kilograms, US dollars: `normalize.units.CANONICAL_UNITS`), which every
value is worded in, with the source's own number and unit beside it when they differ. A value
whose unit does not convert to it is worded as given and marked, never converted. Values
ranked deprecated are hidden unless asked for, and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from equipment_db.analysis.queries import (
    ATTRIBUTE_ORDER,
    deprecated_counts,
    publishers_by_claim,
    specification_values,
)
from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims.text import converted_words, quantity_words
from equipment_db.errors import InvalidValue, MissingValue
from equipment_db.normalize.units import CANONICAL_UNITS
from equipment_db.reads import driver_rows, placeholders
from equipment_db.vocab import ATTRIBUTE_DIMENSION, Attribute, Rank

MIN_SYSTEMS = 2
MAX_SYSTEMS = 10
CURRENCIES = frozenset(unit for dimension, unit in CANONICAL_UNITS.items() if dimension.startswith("[currency"))


def resolve_systems(session: Session, keys: Sequence[str], *, field: str = "systems",
                    ) -> list[catalog_queries.SystemRef]:  # fmt: skip
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
    found: list[catalog_queries.SystemRef] = []
    for key in wanted:
        system = catalog_queries.get_system_key(session, key, field=field)
        if any(known.id == system.id for known in found):
            raise InvalidValue(field, key, f"names {system.slug} a second time")
        found.append(system)
    return found


def row_unit(attribute: Attribute) -> str | None:
    """The unit an attribute's row is worded in: its dimension's canonical unit (`m` for a
    range); None for plain numbers (a year, a count) and words (guidance)."""
    return CANONICAL_UNITS.get(ATTRIBUTE_DIMENSION.get(attribute) or "")


def in_row_unit(value: dict[str, Any], unit: str | None, attribute: Attribute) -> dict[str, Any]:
    """`value` (a `specification_values` entry) worded in its row's `unit`, with the source's
    words beside it when its unit is another: `5,150 m` (`3.2 mi` as given).

    Values are stored in the canonical unit of their own dimension, so a value converts to the
    row's unit exactly when it is stored in it. Converted numbers are rounded to the
    significant figures the source gave, at least three (`claims.text.converted_words`): 3.2 mi
    is 5,150 m, not 5,149.9008 m; `value_low` and `value_high` keep the exact conversion. A value
    in another dimension or currency, or without a unit where the row has one (or with one where
    it has none), is worded as given, `unit_converted` false and `unit_note` saying why."""
    low, high, qualifier = value["value_low"], value["value_high"], value["qualifier"]
    given = quantity_words(low, high, qualifier=qualifier, unit=value["unit"], original_unit=value["original_unit"],
                           attribute=attribute, original_low=value["original_low"],
                           original_high=value["original_high"])  # fmt: skip
    if given is None:  # no number (words only, or unspecified): nothing to convert
        return value | {"unit_converted": True, "unit_note": None, "value_words": None, "given_words": None}
    if value["unit"] != unit:
        return value | {"unit_converted": False, "unit_note": _not_converted(value, unit, attribute),
                        "value_words": given, "given_words": None}  # fmt: skip
    converted = converted_words(low, high, qualifier=qualifier, unit=unit, original_unit=value["original_unit"],
                                original_low=value["original_low"], original_high=value["original_high"])  # fmt: skip
    return value | {"unit_converted": True, "unit_note": None, "value_words": converted or given,
                    "given_words": given if converted else None}  # fmt: skip


def _not_converted(value: dict[str, Any], unit: str | None, attribute: Attribute) -> str:
    own = value["original_unit"] or value["unit"]
    if own is None:
        return f"given without a unit: not comparable with values in {unit}"
    if unit is None:
        return f"given in {own}; {attribute.value.replace('_', ' ')} has no unit"
    if value["unit"] in CURRENCIES and unit in CURRENCIES:
        return f"given in {own}: no exchange rate is applied"
    return f"given in {own}, which does not convert to {unit}"


_CAPABLE = ("SELECT target_type.slug, claim.system_id, claim.public_id FROM target_type "
            "JOIN claim ON claim.target_type_id = target_type.id WHERE claim.system_id IN ({}) "
            "AND claim.kind = 'capability' AND claim.retracted_at IS NULL AND claim.rank <> 'deprecated' "
            "ORDER BY target_type.slug, claim.public_id")  # fmt: skip
_COMPARED = ("SELECT id, public_id, system_id, related_system_id, value_text FROM claim "
             "WHERE kind = 'comparison' AND system_id IN ({}) AND related_system_id IN ({}) "
             "AND retracted_at IS NULL AND rank <> 'deprecated' ORDER BY id")  # fmt: skip


def compare_systems(
    session: Session, keys: Sequence[str], *, field: str = "systems", include_deprecated: bool = False
) -> dict[str, Any]:
    """Specifications as rows (per system: every active value, the preferred one first and marked;
    each row in one unit, `in_row_unit`), a target-type matrix of capability claims, and the
    sources' comparisons between the listed systems. Values ranked deprecated are counted per
    system and attribute, and shown after the others (marked by their rank) with
    `include_deprecated`; a row exists for an attribute that has only deprecated values."""
    systems = resolve_systems(session, keys, field=field)
    ids = [s.id for s in systems]
    slugs = {s.id: s.slug for s in systems}
    deprecated = deprecated_counts(session, ids)  # type: ignore[arg-type]
    values = specification_values(session, ids, deprecated=deprecated if include_deprecated else None)  # type: ignore[arg-type]
    named = {a for found in (*values.values(), *deprecated.values()) for a in found}
    rows = []
    for a in sorted(named, key=ATTRIBUTE_ORDER.__getitem__):
        unit = row_unit(a)
        found = {s.slug: values[s.id].get(a, []) for s in systems}  # type: ignore[index]
        hidden = {s.slug: deprecated[s.id].get(a, 0) - sum(v["rank"] is Rank.deprecated for v in found[s.slug])  # type: ignore[index]
                  for s in systems}  # fmt: skip
        worded = {slug: [in_row_unit(v, unit, a) for v in shown] for slug, shown in found.items()}
        rows.append({"attribute": a, "unit": unit, "systems": worded, "deprecated_hidden": hidden})

    listed = placeholders(len(ids))
    capable = driver_rows(session, _CAPABLE.format(listed), ids)
    matrix: dict[str, dict[str, list[str]]] = {}
    for target, system_id, claim_id in capable:
        matrix.setdefault(target, {s.slug: [] for s in systems})[slugs[system_id]].append(claim_id)  # type: ignore[index]

    compared = driver_rows(session, _COMPARED.format(listed, listed), ids + ids)
    cited = publishers_by_claim(session, [claim_id for claim_id, *_ in compared])
    comparisons = [{"claim": public_id, "system": slugs[system_id], "related_system": slugs[related_id],  # type: ignore[index]
                    "value_text": value_text, "sources": cited[claim_id]}
                   for claim_id, public_id, system_id, related_id, value_text in compared]  # fmt: skip
    return {
        "systems": [{"slug": s.slug, "name": s.name} for s in systems],
        "attributes": rows,
        "include_deprecated": include_deprecated,
        "deprecated_hidden": sum(n for row in rows for n in row["deprecated_hidden"].values()),
        "target_types": matrix,
        "comparisons": comparisons,
    }
