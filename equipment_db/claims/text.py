"""Claims in words: the value as a reader says it, in the unit the source used.

The one home of value wording. Every reader (API and CLI rows, search hits, citations, pages
and their charts) words a value through `quantity_words`: a qualifier's words (`at least`,
`up to`, `about`), numbers through `format_number`, and a range as `500 to 6,000 m` (`to`,
not a hyphen: a hyphen reads as a minus sign next to negative numbers and blurs into
hyphenated designations such as `SA-24`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pint.errors import PintError

from equipment_db.normalize.units import from_canonical
from equipment_db.normalize.wording import MAGNITUDES

if TYPE_CHECKING:  # the words need no database: citations word snapshots with them
    from equipment_db.claims.models import Claim

# The words before a single number; `exact`, `range` and `unspecified` have none.
QUALIFIER_WORDS = {
    "approximately": "about ",
    "at_least": "at least ",
    "more_than": "more than ",
    "just_over": "just over ",
    "at_most": "at most ",
    "less_than": "less than ",
    "nearly": "nearly ",
    "up_to": "up to ",
}
YEAR_ATTRIBUTES = {"in_service_since"}  # numbers that are years: 1981, not 1,981
RANGE_WORD = " to "


def format_number(value: float, *, separators: bool = True) -> str:
    """`5,000`, `3.7`, `0.25`: thousands separators (not for years), no trailing zeros."""
    rounded = round(value, 6)
    if rounded == int(rounded):
        return f"{int(rounded):,}" if separators else str(int(rounded))
    return f"{rounded:,.6f}".rstrip("0").rstrip(".")


def format_range(low: float, high: float, *, separators: bool = True) -> str:
    """`500 to 6,000`."""
    return f"{format_number(low, separators=separators)}{RANGE_WORD}{format_number(high, separators=separators)}"


def _text(value: Any) -> str | None:
    """An enum's value, or text, stripped; None for nothing."""
    value = getattr(value, "value", value)
    text = "" if value is None else str(value).strip()
    return text or None


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _shown(value: float, unit: str | None, original: str | None) -> tuple[float, str | None]:
    """The value in the unit the source used; in the canonical unit if that fails."""
    if unit and original and original != unit:
        try:
            return from_canonical(value, unit, original), original
        except (PintError, AttributeError, KeyError, TypeError, ValueError):
            return value, unit
    return value, original or unit


def quantity_words(
    low: Any, high: Any, *, qualifier: Any = None, unit: Any = None, original_unit: Any = None,
    attribute: Any = None,
) -> str | None:  # fmt: skip
    """`at least 5,000`, `up to 6 km`, `500 to 6,000 m`, `about 3.5 kg`, with numbers in the unit
    the source used; None when there is no number (or the source left it unspecified).
    Arguments may be enums, text or numbers, as a claim row or a revision snapshot holds them."""
    qualifier = _text(qualifier)
    low, high = _float(low), _float(high)
    if qualifier == "unspecified" or (low is None and high is None):
        return None
    unit, original = _text(unit), _text(original_unit)
    separators = _text(attribute) not in YEAR_ATTRIBUTES
    if low is not None and high is not None and low != high:
        (first, shown), (last, _) = _shown(low, unit, original), _shown(high, unit, original)
        prefix = QUALIFIER_WORDS["approximately"] if qualifier == "approximately" else ""
        number = format_range(first, last, separators=separators)
        if qualifier == "magnitude":  # "hundreds (200 to 999)": the documented bounds of the word
            word = next((w for w, bounds in MAGNITUDES.items() if bounds == (first, last)), "of the order of")
            number = f"{word} ({number})"
    else:
        value, shown = _shown(low if low is not None else high, unit, original)  # type: ignore[arg-type]
        if qualifier == "range" and (low is None or high is None):  # an open range
            prefix = QUALIFIER_WORDS["at_least" if high is None else "up_to"]
        else:
            prefix = QUALIFIER_WORDS.get(qualifier or "", "")
        number = format_number(value, separators=separators)
    shown = shown.replace(" / ", "/") if shown else shown  # "km/h" (older rows spelled it "km / h")
    if shown == "Mach":  # "Mach 2.2", as sources write it (basis: docs/WORDING.md)
        return f"{prefix}Mach {number}"
    if shown == "%":
        return f"{prefix}{number}%"
    return f"{prefix}{number} {shown}" if shown else f"{prefix}{number}"


def describe_quantity(snapshot: Mapping[str, Any]) -> str | None:
    """`quantity_words` of a revision snapshot (or any mapping with the claim's value fields)."""
    return quantity_words(
        snapshot.get("value_low"), snapshot.get("value_high"), qualifier=snapshot.get("qualifier"),
        unit=snapshot.get("unit"), original_unit=snapshot.get("original_unit"), attribute=snapshot.get("attribute"),
    )  # fmt: skip


def describe_value(claim: Claim) -> str:
    """`at least 5,000 missiles`, `up to 6 km`, `500 to 6,000 m`, or the source's words."""
    counted = f" {claim.counted.value}" if claim.counted else ""
    if _text(claim.qualifier) == "unspecified":
        text = f"unspecified ({claim.value_text})" if claim.value_text else "unspecified"
        return f"{text}{counted}"
    quantity = quantity_words(
        claim.value_low, claim.value_high, qualifier=claim.qualifier, unit=claim.unit,
        original_unit=claim.original_unit, attribute=claim.attribute,
    )  # fmt: skip
    if quantity is None:
        return claim.value_text or ""
    return f"{quantity}{counted}"
