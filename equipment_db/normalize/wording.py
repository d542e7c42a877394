"""Read a value as a source words it: "no less than 5,000" -> at least 5000;
"up to 6 kilometers (3.7 miles)" -> up to 6 km; "between 500 meters and 6 kilometers"
-> range 500 m to 6 km; "millions" -> unspecified.

English wording. Thousands separators: "5,000" and "5.000" (a dot followed by exactly
three digits is read as a thousands separator, as in "6.000 metros"); decimals: "3.5".
Text in parentheses (a conversion the source added) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from equipment_db.errors import InvalidValue
from equipment_db.normalize.units import parse_unit, registry
from equipment_db.vocab import Qualifier

_PHRASES: list[tuple[str, Qualifier]] = [
    (
        r"no (?:less|fewer) than|not (?:less|fewer) than|at least|a minimum of|minimum of|min\.?",
        Qualifier.at_least,
    ),
    (r"no more than|not more than|at most|a maximum of|maximum of|max\.?", Qualifier.at_most),
    (r"more than|over|in excess of|upwards of|greater than|\>", Qualifier.more_than),
    (r"(?:less|fewer) than|under|below|\<", Qualifier.less_than),
    (r"up to|as many as|as much as", Qualifier.up_to),
    (
        r"about|around|approximately|approx\.?|roughly|some|nearly|almost|circa|ca\.|~",
        Qualifier.approximately,
    ),
]
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a dozen": 12, "dozen": 12,
}  # fmt: skip
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_VAGUE = re.compile(r"^(?:several |many |tens of |hundreds of )?(?:dozens|hundreds|thousands|millions|billions"
                    r"|several|many|a few|numerous)\b", re.IGNORECASE)  # fmt: skip
_NUMBER = (r"(?:\d{1,3}(?:[,.]\d{3})+(?![\d])|\d+(?:\.\d+)?|" + "|".join(sorted(_WORDS, key=len, reverse=True))
           + r")(?:\s+(?:thousand|million|billion))?")  # fmt: skip
_RANGE = re.compile(rf"^(?:between\s+|from\s+)?(?P<low>{_NUMBER})\s*(?P<low_unit>[^\d\s-]*?)\s*"
                    rf"(?:-|–|—|to|and)\s*(?P<high>{_NUMBER})\b", re.IGNORECASE)  # fmt: skip
_SINGLE = re.compile(rf"^(?P<number>{_NUMBER})\b", re.IGNORECASE)
_UNIT_WORD = re.compile(r"^\s*(\$|[a-zA-Zµ°/]+(?:/[a-zA-Z]+)?\.?)")


@dataclass(frozen=True)
class ParsedValue:
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str | None
    qualifier: Qualifier


def _to_number(text: str) -> float:
    text = text.strip().lower()
    scale = 1
    for word, factor in _SCALE.items():
        if text.endswith(word):
            text, scale = text[: -len(word)].strip(), factor
    if text in _WORDS:
        return float(_WORDS[text] * scale)
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", text):
        return float(re.sub(r"[,.]", "", text) * 1) * scale
    return float(text) * scale


_NOT_UNITS = {"in", "at", "a", "an", "of", "on", "to", "and", "or", "for", "by", "as", "per", "across", "b"}


def _unit_after(rest: str) -> str | None:
    match = _UNIT_WORD.match(rest)
    if not match:
        return None
    word = match.group(1).rstrip(".")
    if word.lower() in _NOT_UNITS:
        return None
    if word == "$":
        return "USD"
    try:
        parse_unit(word)
    except InvalidValue:
        return None  # "5,000 missiles": the noun is what is counted, not a unit
    return word


def parse_value(text: str, *, field: str = "value") -> ParsedValue:
    """Numbers, qualifier and unit from the source's wording; raises InvalidValue if none found."""
    cleaned = re.sub(r"\([^)]*\)", " ", text)
    cleaned = re.sub(r"[“”\"‘’«»]", "", cleaned).strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    dollar = cleaned.startswith("$") or re.search(r"(?:^|\s)\$\s*\d", cleaned) is not None
    cleaned = cleaned.replace("$", "")
    if _VAGUE.match(cleaned):
        return ParsedValue(None, None, None, None, Qualifier.unspecified)
    qualifier: Qualifier | None = None
    for pattern, meaning in _PHRASES:
        match = re.match(rf"^(?:{pattern})\s*", cleaned, re.IGNORECASE)
        if match and match.end() > 0:
            qualifier, cleaned = meaning, cleaned[match.end() :]
            break
    cleaned = re.sub(r"^(?:roughly|about|around|approximately)\s+", "", cleaned, flags=re.IGNORECASE)
    ranged = _RANGE.match(cleaned)
    if ranged and qualifier is None:
        low, high = _to_number(ranged.group("low")), _to_number(ranged.group("high"))
        unit = _unit_after(cleaned[ranged.end() :]) or (
            _unit_after(ranged.group("low_unit") or "") if ranged.group("low_unit") else None
        )
        low_unit = _unit_after(ranged.group("low_unit") or "")
        if low_unit and unit and low_unit != unit:  # "between 500 meters and 6 kilometers"
            low = round(
                float(registry().Quantity(low, parse_unit(low_unit)).to(parse_unit(unit)).magnitude), 9
            )
        return ParsedValue(None, low, high, "USD" if dollar else unit, Qualifier.range)
    single = _SINGLE.match(cleaned)
    if not single:
        raise InvalidValue(field, text, "has no number in it (say e.g. \"no less than 5,000\", \"up to 6 km\"; "
                                        "or --qualifier unspecified)")  # fmt: skip
    number = _to_number(single.group("number"))
    unit = "USD" if dollar else _unit_after(cleaned[single.end() :])
    return ParsedValue(number, None, None, unit, qualifier or Qualifier.exact)


def value_fields(
    value: str | None,
    quantity: float | None,
    low: float | None,
    high: float | None,
    unit: str | None,
    qualifier: Qualifier | None,
    value_text: str | None,
) -> dict[str, Any]:
    """A claim's value fields from an editor's options: `value` as worded is read (`parse_value`);
    an explicit `quantity`, `low`/`high`, `unit` or `qualifier` wins over what was read, and
    `value_text` over the wording kept as the source's words."""
    fields: dict[str, Any] = {}
    if value is not None:
        if qualifier is Qualifier.unspecified:  # the words say how many; there is no number
            fields |= {
                "qualifier": Qualifier.unspecified,
                "value": None,
                "value_low": None,
                "value_high": None,
            }
        else:
            parsed = parse_value(value)
            fields |= {"value": parsed.value, "value_low": parsed.value_low, "value_high": parsed.value_high,
                       "unit": parsed.unit, "qualifier": parsed.qualifier}  # fmt: skip
        fields["value_text"] = value_text or value
    elif value_text is not None:
        fields["value_text"] = value_text
    if quantity is not None:
        fields |= {"value": quantity, "value_low": None, "value_high": None}
    if low is not None or high is not None:
        fields |= {"value": None, "value_low": low, "value_high": high}
    if unit is not None:
        fields["unit"] = unit
    if qualifier is not None:
        fields["qualifier"] = qualifier
    return {k: v for k, v in fields.items() if v is not None or k in ("value", "value_low", "value_high")}
