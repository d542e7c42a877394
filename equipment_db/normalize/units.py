"""Units through pint: convert to one canonical unit per dimension, keep the original."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from equipment_db.errors import InvalidValue

if TYPE_CHECKING:
    import pint  # imported where a unit is first read: a process that reads none never loads it

# Canonical unit per dimensionality: metres, metres per second, kilograms, US dollars.
CANONICAL_UNITS = {
    "[length]": "m",
    "[length] / [time]": "m/s",
    "[mass]": "kg",
    "[currency]": "USD",
    "[currency_eur]": "EUR",
    "[currency_gbp]": "GBP",
    "[currency_rub]": "RUB",
    "[time]": "s",
    "dimensionless": "percent",  # a share: "about 25% of its stock"
}


@cache
def registry() -> pint.UnitRegistry:
    """pint's registry, its parsed definitions cached on disk (the user's cache folder): parsing
    them takes 0.1-0.4 s, which every command that shows a value in its source's unit paid."""
    import pint

    try:
        ureg = pint.UnitRegistry(cache_folder=":auto:")
    except OSError:  # no writable cache folder: parse the definitions each time
        ureg = pint.UnitRegistry()
    # Money is a dimension of its own: it converts to itself and to nothing else.
    ureg.define("US_dollar = [currency] = USD = usd = dollar")
    # Other currencies are dimensions of their own: no exchange rate is ever applied.
    ureg.define("euro = [currency_eur] = EUR = eur")
    ureg.define("pound_sterling = [currency_gbp] = GBP = gbp")
    ureg.define("rouble = [currency_rub] = RUB = rub = ruble")
    # Mach is stated against the sea-level standard atmosphere (ISA, 15 °C): 340.3 m/s. The
    # source's "Mach 2.2" is kept as its original unit; the basis is shown with a converted value.
    ureg.define("mach = 340.3 * meter / second = Mach")
    return ureg


@dataclass(frozen=True)
class Converted:
    low: float | None
    high: float | None
    unit: str  # canonical unit
    original_unit: str  # the unit as given, normalised to pint's spelling


def parse_unit(text: str, *, field: str = "unit") -> pint.Unit:
    import pint

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


@cache
def _conversion(unit_text: str) -> tuple[str, str, str, float]:
    """(dimension, canonical unit, pint spelling, factor) for a unit as written; cached, as
    bulk imports convert the same few units many times."""
    unit = parse_unit(unit_text)
    dimension = dimension_of(unit)
    canonical = CANONICAL_UNITS.get(dimension)
    if canonical is None:
        return dimension, "", f"{unit:~C}" or str(unit), 0.0
    factor = float(registry().Quantity(1.0, unit).to(canonical).magnitude)
    return dimension, canonical, f"{unit:~C}" or str(unit), factor


def convert(
    low: float | None,
    high: float | None,
    unit_text: str,
    *,
    expect_dimension: str | None = None,
    field: str = "unit",
) -> Converted:
    """Convert low/high from `unit_text` to the canonical unit of its dimension (linear units)."""
    try:
        dimension, canonical, spelling, factor = _conversion(unit_text.strip())
    except InvalidValue as exc:
        raise InvalidValue(field, unit_text, exc.reason) from None
    if expect_dimension is not None and dimension != expect_dimension and not (
            expect_dimension == "[currency]" and dimension.startswith("[currency")):  # fmt: skip
        raise InvalidValue(field, unit_text, f"has dimension {dimension}; expected {expect_dimension}")
    if not canonical:
        raise InvalidValue(field, unit_text, f"has dimension {dimension}, which has no canonical unit")

    def to_canonical(value: float | None) -> float | None:
        return None if value is None else round(value * factor, 9)

    return Converted(to_canonical(low), to_canonical(high), canonical, spelling)


BACK_DIGITS = 12  # a canonical value is rounded to 9 decimals; 12 significant digits undo that


def from_canonical(value: float, canonical: str, original_unit: str) -> float:
    """Back to the unit the source used (for display and export), rounded to BACK_DIGITS
    significant digits so that binary and rounding artefacts do not show: a source's
    "2,100 km/h" (583.333333333 m/s stored) comes back as 2100, not 2099.999999999."""
    ureg = registry()
    return float(f"{float(ureg.Quantity(value, canonical).to(original_unit).magnitude):.{BACK_DIGITS}g}")
