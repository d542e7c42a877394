"""Claims in words: the value as a reader says it, in the unit the source used."""

from __future__ import annotations

from equipment_db.citations.text import YEAR_ATTRIBUTES, format_number
from equipment_db.claims.models import Claim
from equipment_db.normalize.units import from_canonical
from equipment_db.vocab import Qualifier

_WORDS = {
    Qualifier.exact: "",
    Qualifier.approximately: "about ",
    Qualifier.at_least: "at least ",
    Qualifier.more_than: "more than ",
    Qualifier.at_most: "at most ",
    Qualifier.less_than: "less than ",
    Qualifier.up_to: "up to ",
}


def _number(value: float, claim: Claim) -> str:
    if claim.unit and claim.original_unit and claim.original_unit != claim.unit:
        value = from_canonical(value, claim.unit, claim.original_unit)
    year = claim.attribute is not None and claim.attribute.value in YEAR_ATTRIBUTES
    return format_number(value, separators=not year)


def describe_value(claim: Claim) -> str:
    """`at least 5,000 missiles`, `up to 6 km`, `500-6,000 m`, or the source's words."""
    if claim.qualifier is Qualifier.unspecified:
        text = f"unspecified ({claim.value_text})" if claim.value_text else "unspecified"
        return f"{text} {claim.counted.value}" if claim.counted else text
    if claim.value_low is None and claim.value_high is None:
        return claim.value_text or ""
    unit = claim.original_unit or claim.unit or ""
    low, high = claim.value_low, claim.value_high
    if low is not None and high is not None and low != high:
        number = f"{_number(low, claim)}-{_number(high, claim)}"
        prefix = "about " if claim.qualifier is Qualifier.approximately else ""
    else:
        number = _number(low if low is not None else high, claim)  # type: ignore[arg-type]
        prefix = _WORDS.get(claim.qualifier, "") if claim.qualifier else ""
    counted = f" {claim.counted.value}" if claim.counted else ""
    suffix = f" {unit}" if unit else ""
    return f"{prefix}{number}{suffix}{counted}"
