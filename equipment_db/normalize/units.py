"""Units through pint: convert to one canonical unit per dimension, keep the original."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pint

from equipment_db.errors import InvalidValue

# Canonical unit per dimensionality: metres, metres per second, kilograms, US dollars.
CANONICAL_UNITS = {
    "[length]": "m",
    "[length] / [time]": "m/s",
    "[mass]": "kg",
    "[currency]": "USD",
    "[time]": "s",
}


@cache
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry()
    # Money is a dimension of its own: it converts to itself and to nothing else.
    ureg.define("US_dollar = [currency] = USD = usd = dollar")
    return ureg


@dataclass(frozen=True)
class Converted:
    low: float | None
    high: float | None
    unit: str  # canonical unit
    original_unit: str  # the unit as given, normalised to pint's spelling


def parse_unit(text: str, *, field: str = "unit") -> pint.Unit:
    try:
        unit = registry().parse_units(text.strip())
    except (
        pint.errors.UndefinedUnitError,
        pint.errors.DefinitionSyntaxError,
        ValueError,
        AttributeError,
        TypeError,
    ) as exc:
        raise InvalidValue(field, text, "is not a unit pint knows (try m, km, mi, kg, m/s, USD)") from exc
    return unit


def dimension_of(unit: pint.Unit) -> str:
    dims = registry().get_dimensionality(unit)
    return str(dims)


def convert(
    low: float | None,
    high: float | None,
    unit_text: str,
    *,
    expect_dimension: str | None = None,
    field: str = "unit",
) -> Converted:
    """Convert low/high from `unit_text` to the canonical unit of its dimension."""
    unit = parse_unit(unit_text, field=field)
    dimension = dimension_of(unit)
    if expect_dimension is not None and dimension != expect_dimension:
        raise InvalidValue(field, unit_text, f"has dimension {dimension}; expected {expect_dimension}")
    canonical = CANONICAL_UNITS.get(dimension)
    if canonical is None:
        raise InvalidValue(field, unit_text, f"has dimension {dimension}, which has no canonical unit")
    ureg = registry()

    def to_canonical(value: float | None) -> float | None:
        if value is None:
            return None
        result = ureg.Quantity(value, unit).to(canonical).magnitude
        return round(float(result), 9)

    return Converted(to_canonical(low), to_canonical(high), canonical, f"{unit:~}" or str(unit))


def from_canonical(value: float, canonical: str, original_unit: str) -> float:
    """Back to the unit the source used (for display)."""
    ureg = registry()
    return float(ureg.Quantity(value, canonical).to(original_unit).magnitude)
