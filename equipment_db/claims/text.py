"""Claims in words: the value as a reader says it, in the unit the source used.

The one home of value wording. Every reader (API and CLI rows, search hits, citations, pages
and their charts) words a value through `quantity_words`: a qualifier's words (`at least`,
`up to`, `about`), numbers through `format_number`, and a range as `500 to 6,000 m` (`to`,
not a hyphen: a hyphen reads as a minus sign next to negative numbers and blurs into
hyphenated designations such as `SA-24`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from equipment_db.normalize.countries import country_name
from equipment_db.normalize.units import from_canonical
from equipment_db.normalize.wording import MAGNITUDES
from equipment_db.vocab import YEAR_ATTRIBUTES

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
RANGE_WORD = " to "


def format_number(value: float | Decimal, *, separators: bool = True) -> str:
    """`5,000`, `3.7`, `0.25`: thousands separators (not for years), no trailing zeros. A
    Decimal (a source's number as given) is shown with all its digits."""
    if isinstance(value, Decimal):
        exact = value.normalize()
        if exact == exact.to_integral_value():
            return f"{int(exact):,}" if separators else str(int(exact))
        return f"{exact:,f}" if separators else f"{exact:f}"
    rounded = round(value, 6)
    if rounded == int(rounded):
        return f"{int(rounded):,}" if separators else str(int(rounded))
    return f"{rounded:,.6f}".rstrip("0").rstrip(".")


def format_range(low: float | Decimal, high: float | Decimal, *, separators: bool = True) -> str:
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


def _decimal(text: Any) -> Decimal | None:
    try:
        return None if text is None else Decimal(str(text))
    except InvalidOperation:
        return None


def _shown(value: float, unit: str | None, original: str | None) -> tuple[float, str | None]:
    """The value in the unit the source used; in the canonical unit if that fails."""
    if unit and original and original != unit:
        from pint.errors import PintError  # pint is loaded by the conversion anyway

        try:
            return from_canonical(value, unit, original), original
        except (PintError, AttributeError, KeyError, TypeError, ValueError):
            return value, unit
    return value, original or unit


def _as_given(value: float | None, given: Any, unit: str | None, original: str | None
              ) -> tuple[float | Decimal | None, str | None]:  # fmt: skip
    """The source's number as it gave it (exact decimal text, kept since revision 0009), else
    the canonical value converted back."""
    exact = _decimal(given)
    if exact is not None:
        return exact, original or unit
    return (None, original or unit) if value is None else _shown(value, unit, original)


def quantity_words(
    low: Any, high: Any, *, qualifier: Any = None, unit: Any = None, original_unit: Any = None,
    attribute: Any = None, original_low: Any = None, original_high: Any = None,
) -> str | None:  # fmt: skip
    """`at least 5,000`, `up to 6 km`, `500 to 6,000 m`, `about 3.5 kg`, with numbers in the unit
    the source used and as it gave them; None when there is no number (or the source left it
    unspecified). Arguments may be enums, text or numbers, as a claim row or a revision
    snapshot holds them."""
    qualifier = _text(qualifier)
    low, high = _float(low), _float(high)
    if qualifier == "unspecified" or (low is None and high is None):
        return None
    unit, original = _text(unit), _text(original_unit)
    separators = _text(attribute) not in YEAR_ATTRIBUTES  # years: 1981, not 1,981
    first, shown = _as_given(low, original_low, unit, original)
    last, _ = _as_given(high, original_high, unit, original)
    prefix = _prefix(qualifier, low, high)
    if first is not None and last is not None and low != high:
        number = format_range(first, last, separators=separators)
        if qualifier == "magnitude":  # "hundreds (200 to 999)": the documented bounds of the word
            word = next((w for w, bounds in MAGNITUDES.items() if bounds == (first, last)), "of the order of")
            number = f"{word} ({number})"
    else:
        value = first if first is not None else last
        number = format_number(value, separators=separators)  # type: ignore[arg-type]
    return _with_unit(prefix, number, shown)


def _prefix(qualifier: str | None, low: float | None, high: float | None) -> str:
    """The qualifier's words before a value: a two-ended range is only ever `about`; an open
    range reads as `at least` or `up to`."""
    if low is not None and high is not None and low != high:
        return QUALIFIER_WORDS["approximately"] if qualifier == "approximately" else ""
    if qualifier == "range" and (low is None or high is None):
        return QUALIFIER_WORDS["at_least" if high is None else "up_to"]
    return QUALIFIER_WORDS.get(qualifier or "", "")


def _with_unit(prefix: str, number: str, unit: str | None) -> str:
    unit = unit.replace(" / ", "/") if unit else unit  # "km/h" (older rows spelled it "km / h")
    if unit == "Mach":  # "Mach 2.2", as sources write it (basis: docs/WORDING.md)
        return f"{prefix}Mach {number}"
    if unit in ("%", "percent"):
        return f"{prefix}{number}%"
    return f"{prefix}{number} {unit}" if unit else f"{prefix}{number}"


MIN_FIGURES = 3  # a converted value keeps at least three significant figures (about 1%)
MACH_BASIS = "Mach 1 = 340.3 m/s, the sea-level standard atmosphere"


def significant_figures(given: Decimal) -> int:
    """The significant figures of a number as a source wrote it: `7.5` has 2, `0.25` 2, `2,100`
    2 (the trailing zeros of a whole number may be rounding, so they do not count)."""
    digits = given.normalize().as_tuple().digits
    return max(len(digits), 1) if given else 1


def _rounded(value: float, figures: int) -> Decimal:
    if value == 0:
        return Decimal(0)
    exact = Decimal(repr(value))
    return exact.quantize(Decimal(1).scaleb(exact.adjusted() - figures + 1)).normalize()


def converted_words(
    low: Any, high: Any, *, qualifier: Any = None, unit: Any = None, original_unit: Any = None,
    original_low: Any = None, original_high: Any = None,
) -> str | None:  # fmt: skip
    """The value in its canonical unit when the source used another: `2,100 km/h` is `583 m/s`,
    each number rounded to the significant figures the source gave (at least MIN_FIGURES);
    a Mach number states its basis. None when there is nothing converted to show."""
    qualifier, unit, original = _text(qualifier), _text(unit), _text(original_unit)
    low, high = _float(low), _float(high)
    if qualifier == "unspecified" or (low is None and high is None) or not unit or not original:
        return None
    if original.replace(" / ", "/") == unit or (original in ("%", "percent") and unit == "percent"):
        return None

    def shown(value: float | None, given: Any) -> Decimal | None:
        if value is None:
            return None
        exact = _decimal(given)
        if exact is None:
            exact, _ = _as_given(value, None, unit, original)  # type: ignore[assignment]
            exact = Decimal(repr(float(exact)))  # type: ignore[arg-type]
        return _rounded(value, max(significant_figures(exact), MIN_FIGURES))

    first, last = shown(low, original_low), shown(high, original_high)
    prefix = _prefix(qualifier, low, high)
    if first is not None and last is not None and low != high:
        words = f"{prefix}{format_range(first, last)} {unit}"
    else:
        words = f"{prefix}{format_number(first if first is not None else last)} {unit}"  # type: ignore[arg-type]
    return f"{words} ({MACH_BASIS})" if original.lower() == "mach" else words


def describe_quantity(snapshot: Mapping[str, Any]) -> str | None:
    """`quantity_words` of a revision snapshot (or any mapping with the claim's value fields)."""
    return quantity_words(
        snapshot.get("value_low"), snapshot.get("value_high"), qualifier=snapshot.get("qualifier"),
        unit=snapshot.get("unit"), original_unit=snapshot.get("original_unit"), attribute=snapshot.get("attribute"),
        original_low=snapshot.get("original_low"), original_high=snapshot.get("original_high"),
    )  # fmt: skip


def describe_converted(snapshot: Mapping[str, Any] | Claim) -> str | None:
    """`converted_words` of a claim or a snapshot: `583 m/s` for a source's `2,100 km/h`."""
    get = snapshot.get if isinstance(snapshot, Mapping) else lambda name: getattr(snapshot, name, None)
    return converted_words(
        get("value_low"), get("value_high"), qualifier=get("qualifier"), unit=get("unit"),
        original_unit=get("original_unit"), original_low=get("original_low"), original_high=get("original_high"),
    )  # fmt: skip


UNKNOWN_PARTY = "unknown"


def party_record(actor_name: Any, unknown: Any) -> str | None:
    """A party that is not a country as a record gives it: `actor:NAME` or `unknown`."""
    if unknown:
        return UNKNOWN_PARTY
    return f"actor:{actor_name}" if actor_name else None


def party_name(country: Any, actor_name: Any, unknown: Any) -> str | None:
    """A party as every reader names it: `Venezuela`, `Hezbollah`, `unknown`; None for none."""
    if country:
        return country_name(str(country))
    if actor_name:
        return str(actor_name)
    return UNKNOWN_PARTY if unknown else None


_ONE = {"missiles": "missile", "launchers": "launcher", "firing_units": "firing unit", "systems": "system",
        "vehicles": "vehicle", "vessels": "vessel", "strikes": "strike", "units": "unit"}  # fmt: skip


def counted_words(counted: Any, low: Any, high: Any) -> str | None:
    """What a count counts, in words: `firing units`, and `missile` when the number is one."""
    name = _text(counted)
    if not name:
        return None
    one = {_float(low), _float(high)} - {None} == {1.0}
    return _ONE.get(name, name) if one else name.replace("_", " ")


def describe_value(claim: Claim) -> str:
    """`at least 5,000 missiles`, `up to 6 km`, `500 to 6,000 m`, or the source's words."""
    noun = counted_words(claim.counted, claim.value_low, claim.value_high)
    counted = f" {noun}" if noun else ""
    quantity = quantity_words(
        claim.value_low, claim.value_high, qualifier=claim.qualifier, unit=claim.unit,
        original_unit=claim.original_unit, attribute=claim.attribute,
        original_low=getattr(claim, "original_low", None), original_high=getattr(claim, "original_high", None),
    )  # fmt: skip
    if _text(getattr(claim, "stance", None)) == "denies":
        if quantity:
            return f"denied: {quantity}{counted}"
        return f"denied ({claim.value_text})" if claim.value_text else "denied"
    if _text(claim.qualifier) == "unspecified":
        text = f"unspecified ({claim.value_text})" if claim.value_text else "unspecified"
        return f"{text}{counted}"
    if quantity is None:
        return claim.value_text or ""
    return f"{quantity}{counted}"
