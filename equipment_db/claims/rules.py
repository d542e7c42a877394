"""Normalising a claim's input and the per-kind rules it must meet.

`normalise` turns input fields (names, codes, wording, EDTF dates) into column
values; `place_value` turns a number and its qualifier into low/high bounds in the
canonical unit; `check` enforces the rules of the claim's kind on complete column
values, so that creates and updates are held to the same rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session

from equipment_db.actors import queries as actor_queries
from equipment_db.catalog import queries as catalog_queries
from equipment_db.claims.models import CitationBase, CitationCreate, Claim, ClaimBase, ClaimCreate
from equipment_db.errors import (
    AlreadyExists,
    EquipmentDBError,
    InvalidValue,
    MissingValue,
    NotFound,
    Several,
    each_error,
)
from equipment_db.normalize import dates
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.units import convert
from equipment_db.normalize.wording import check_counted, read_value, reading_fields
from equipment_db.sources import queries as source_queries
from equipment_db.sources.models import Source
from equipment_db.validation import check_model, clean_text
from equipment_db.vocab import (
    ATTRIBUTE_DIMENSION,
    KIND_SCOPES,
    YEAR_ATTRIBUTES,
    Attribute,
    ClaimKind,
    Counted,
    Qualifier,
    Scope,
    Stance,
)

VALUE_FIELDS = ("value", "value_low", "value_high", "unit", "qualifier")
QUANTITY_KINDS = {
    ClaimKind.inventory,
    ClaimKind.deployment,
    ClaimKind.transfer,
    ClaimKind.production,
    ClaimKind.use,
    ClaimKind.loss,
}
DEFAULT_SCOPE = {ClaimKind(kind): scopes[0] for kind, scopes in KIND_SCOPES.items() if kind != "transfer"}
_LOWER_BOUND = {Qualifier.at_least, Qualifier.more_than, Qualifier.just_over}
_UPPER_BOUND = {Qualifier.at_most, Qualifier.less_than, Qualifier.up_to, Qualifier.nearly}
_POINT = {Qualifier.exact, Qualifier.approximately}
FIRST_YEAR, LAST_YEAR = 1800, 2200  # the calendar years a year attribute may hold
GIVEN_DIGITS = 40  # ClaimBase.original_low/original_high
MAX_VALUE = 1e15  # larger than any count, distance, speed, mass or sum a source gives; finite on both engines


class Resolver(Protocol):
    """Turns the names an editor types into row ids (or placeholders for rows being imported)."""

    def system(self, key: str, field: str) -> Any: ...
    def target_type(self, key: str) -> Any: ...
    def actor(self, name: str, field: str = "claimant") -> Any: ...
    def source(self, key: str, field: str) -> int: ...
    def source_language(self, source_id: int) -> str | None: ...


class DatabaseResolver:
    """Resolves names with one query each (editor commands: one claim at a time)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def system(self, key: str, field: str) -> int:
        system = catalog_queries.get_system(self.session, key, field=field)
        if system.is_retracted:
            raise InvalidValue(field, key, "is retracted")
        return system.id  # type: ignore[return-value]

    def target_type(self, key: str) -> int:
        return catalog_queries.get_target_type(self.session, key).id  # type: ignore[return-value]

    def actor(self, name: str, field: str = "claimant") -> int:
        return actor_queries.get_actor(self.session, name, field=field).id  # type: ignore[return-value]

    def source(self, key: str, field: str) -> int:
        return source_queries.get_source(self.session, key, field=field).id  # type: ignore[return-value]

    def source_language(self, source_id: int) -> str | None:
        return self.session.get(Source, source_id).language  # type: ignore[union-attr]


def wording_language(languages: Iterable[str | None]) -> str | None:
    """The language a claim's wording is read in: its sources' language when they agree
    (`de` and `de-AT` agree), else None (English conventions; a form that reads two ways is
    then refused rather than guessed)."""
    primary = {language.split("-")[0].strip().lower() for language in languages if language and language.strip()}
    return primary.pop() if len(primary) == 1 else None


def new_claim(
    data: ClaimCreate, resolver: Resolver, *, given: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[tuple[int, CitationCreate]]]:
    """The checked column values of a new claim and the sources it cites: the one check that
    `claim add`, seed data and bulk import all pass through. `given`: the input as typed."""
    fields = data.model_dump()
    errors: list[EquipmentDBError] = []
    values: dict[str, Any] = {}
    cited: list[tuple[int, CitationCreate]] = []
    try:
        values = normalise(None, fields, resolver)  # type: ignore[arg-type]
    except EquipmentDBError as exc:
        errors += each_error(exc)
    try:
        cited = cited_sources(data.citations, resolver)
    except EquipmentDBError as exc:
        errors += each_error(exc)
    language = wording_language(resolver.source_language(source_id) for source_id, _ in cited)
    try:
        values |= value_columns(fields, None, language=language)
    except EquipmentDBError as exc:
        errors += each_error(exc)
    Several.raise_any(errors)  # every field's error at once; the rules across fields need them all
    values = check(values, citation_count=len(data.citations), given=given or fields)
    return values, cited


def citation_key(source_id: int, role: str, quote: str | None, locator: str | None) -> tuple[Any, ...]:
    """What makes two citations the same: one source may be cited again with another quote or
    locator ("... 200 Stingers" and, further down, "... delivered in March"), never twice alike."""
    return source_id, role, clean_text(quote) or None, clean_text(locator) or None


def repeats(key: tuple[Any, ...], cited: Iterable[tuple[Any, ...]]) -> bool:
    """A citation (`citation_key`) repeats one of `cited` when it is the same, or when it adds
    neither a quote nor a locator to a source already cited in that role."""
    source_id, role, quote, locator = key
    return any(other == key or (quote is None and locator is None and other[:2] == (source_id, role))
               for other in cited)  # fmt: skip


def cited_sources(citations: list[CitationCreate], resolver: Resolver) -> list[tuple[int, CitationCreate]]:
    """(source id, citation) for each citation; a source is cited again only with another
    quote or locator (`citation_key`)."""
    resolved = []
    seen: set[tuple[Any, ...]] = set()
    errors: list[EquipmentDBError] = []
    for index, citation in enumerate(citations):
        field = f"citations[{index}].source"
        try:
            if not citation.source or not citation.source.strip():
                raise MissingValue(field, "(a source id or URL)")
            check_model(CitationBase, {"quote": citation.quote, "locator": citation.locator})
            source_id = resolver.source(citation.source, field)
            said = citation_key(source_id, citation.role.value, citation.quote, citation.locator)
            if repeats(said, seen):
                raise AlreadyExists("citation", field, f"{citation.source} (the same role, quote and locator again)")
        except EquipmentDBError as exc:
            errors.append(exc)
            continue
        seen.add(said)
        resolved.append((source_id, citation))
    Several.raise_any(errors)
    return resolved


def citation_row(claim_id: int, source_id: int, data: CitationCreate) -> dict[str, Any]:
    """The column values of one citation row (its texts checked by `cited_sources`)."""
    return {"claim_id": claim_id, "source_id": source_id, "role": data.role,
            "quote": clean_text(data.quote), "locator": clean_text(data.locator)}  # fmt: skip


def normalise(session: Session, fields: dict[str, Any], resolver: Resolver | None = None) -> dict[str, Any]:
    """Column values for the given non-value input fields (value fields: `place_value`)."""
    resolve = resolver or DatabaseResolver(session)
    values: dict[str, Any] = {}
    errors: list[EquipmentDBError] = []
    for field, raw in fields.items():
        if field in VALUE_FIELDS or field in ("citations", "external_ids", "public_id"):
            continue
        try:
            _normalise_field(field, raw, fields, resolve, values)
        except EquipmentDBError as exc:
            errors.append(exc)
    Several.raise_any(errors)  # each field's error, not only the first
    return values


def _normalise_field(field: str, raw: Any, fields: dict[str, Any], resolve: Resolver, values: dict[str, Any]) -> None:
    """Add one input field's column values to `values`."""
    value = clean_text(raw) if isinstance(raw, str) else raw
    if field in ("system", "related_system"):
        values[f"{field}_id"] = resolve.system(value, field) if value else None
    elif field == "target_type":
        values["target_type_id"] = resolve.target_type(value) if value else None
    elif field in ("country", "counterparty_country"):
        side = "party" if field == "country" else "counterparty"
        if value is None and fields.get(side) is not None:
            return  # the side is given as a party (resolved below)
        values |= _party_columns(side, country_code(value, field=field), None, False)
    elif field == "stance":
        if value is not None:  # none given: a claim affirms
            values["stance"] = value
    elif field in ("party", "counterparty"):
        other = "country" if field == "party" else "counterparty_country"
        if fields.get(other) is not None:
            if value is None:
                return  # the side is given as a country
            raise InvalidValue(field, value, f"given together with {other}: give one or the other")
        values |= resolve_party(value, field, resolve)
    elif field == "claimant":
        if fields.get("claimants") is None:
            values |= {"claimant_id": resolve.actor(value) if value else None, "claimant_ids": None}
    elif field == "claimants":
        if value is not None:
            values |= claimant_columns(value, fields.get("claimant"), resolve)
    elif field in ("stated", "about"):
        values |= date_columns(field, value)
    else:
        values[field] = value


UNKNOWN_PARTY = "unknown"


def _party_columns(side: str, country: str | None, actor_id: Any, unknown: bool) -> dict[str, Any]:
    """The three columns of one side, exactly one of them set (or none)."""
    return {"country" if side == "party" else "counterparty_country": country,
            f"{side}_actor_id": actor_id, f"{side}_unknown": unknown}  # fmt: skip


def resolve_party(text: str | None, side: str, resolver: Resolver, *, field: str | None = None) -> dict[str, Any]:
    """A party as an editor names it: `unknown`; `actor:NAME` or `country:NAME` (explicit); or a
    bare name, which must be exactly one country (an ISO 3166 code or name) or one actor, and
    is refused when it names both or neither. Nothing is guessed. `side`: party or
    counterparty; `field`: the name a message gives (the side's, unless said)."""
    field = field or side
    if text is None or not text.strip():
        return _party_columns(side, None, None, False)
    name = text.strip()
    prefix, _, rest = name.partition(":")
    if prefix.strip().lower() == "actor" and rest.strip():
        return _party_columns(side, None, resolver.actor(rest.strip(), field), False)
    if prefix.strip().lower() == "country" and rest.strip():
        return _party_columns(side, country_code(rest.strip(), field=field), None, False)
    if name.casefold() == UNKNOWN_PARTY:
        return _party_columns(side, None, None, True)
    try:
        country = country_code(name, field=field)
    except InvalidValue as not_country:
        try:
            return _party_columns(side, None, resolver.actor(name, field), False)
        except NotFound:
            raise InvalidValue(field, text, "is neither a country nor a known actor; add the actor first "
                                            f"(actor add), or say unknown ({not_country.reason})") from None  # fmt: skip
    try:
        resolver.actor(name, field)
    except NotFound:
        return _party_columns(side, country, None, False)
    raise InvalidValue(field, text, f"names both the country {country} and an actor: say country:{name} or "
                                    f"actor:{name}")  # fmt: skip


def claimant_columns(names: list[str], claimant: str | None, resolver: Resolver) -> dict[str, Any]:
    """Several claimants, in the source's order: each must be a known actor, named once; the
    first is `claimant_id`, all are `claimant_ids` (NULL for one or none)."""
    if claimant and names and clean_text(claimant) != clean_text(names[0]):
        raise InvalidValue("claimant", claimant, f"differs from the first of claimants ({names[0]!r}): give one")
    ids: list[int] = []
    for index, name in enumerate(names):
        text = clean_text(name) if isinstance(name, str) else name
        if not text:
            raise MissingValue(f"claimants[{index}]", "(an actor's name)")
        actor_id = resolver.actor(text, f"claimants[{index}]")
        if actor_id in ids:
            raise InvalidValue(f"claimants[{index}]", name, "is named twice")
        ids.append(actor_id)
    return {"claimant_id": ids[0] if ids else None, "claimant_ids": ids if len(ids) > 1 else None}


def date_columns(field: str, text: str | None) -> dict[str, Any]:
    """`stated` (one date) or `about` (a date or an interval) as EDTF, with the days it may
    mean and the precision of before EDTF; `check` closes an open end of `about`."""
    value = dates.read_edtf(text, field=field, period=field == "about") if text else None
    if field == "stated":
        return {"stated_edtf": value.text if value else None, "stated_on": value.start if value else None,
                "stated_precision": value.precision if value else None}  # fmt: skip
    return {"about_edtf": value.text if value else None, "about_start": value.start if value else None,
            "about_end": value.end if value else None, "about_precision": value.precision if value else None}  # fmt: skip


def value_columns(data: dict[str, Any], current: Claim | None, *, language: str | None = None) -> dict[str, Any]:
    """Recompute the value group (bounds, units, qualifier) from the fields being set; a value
    in words is read in `language` (the cited sources', `wording_language`)."""
    attribute = data.get("attribute", current.attribute if current else None)
    kind = data.get("kind") or (current.kind if current else None)
    # A count on a kind that takes none is reported by check, naming `counted`.
    counted = (
        data.get("counted", current.counted if current else None) if kind in QUANTITY_KINDS else None
    )
    given = {name: data[name] for name in VALUE_FIELDS if name in data}
    words = _read_words(given, data.get("counted", current.counted if current else None), language, attribute)
    placed = _placed(given, current, attribute, counted)
    # A record's value in the source's words is kept as them, as `claim add --value` keeps them.
    return placed | {"value_text": data.get("value_text") or words} if words else placed


def _placed(given: dict[str, Any], current: Claim | None, attribute: Any, counted: Any) -> dict[str, Any]:
    if current is None or any(name in given for name in ("value", "value_low", "value_high")):
        return place_value(
            value=given.get("value"),
            value_low=given.get("value_low"),
            value_high=given.get("value_high"),
            unit=given.get("unit", current.original_unit if current else None),
            qualifier=given.get("qualifier", current.qualifier if current else None),
            attribute=attribute,
            counted=counted,
        )
    # Only the qualifier and/or unit change: re-place the stored number, from the source's
    # numbers in its unit when they are kept (the same conversion again), else canonical.
    kept = "unit" not in given and (current.original_low is not None or current.original_high is not None)
    low, high = ((_decimal_float(current.original_low), _decimal_float(current.original_high)) if kept
                 else (current.value_low, current.value_high))  # fmt: skip
    single = low if low is not None else high
    both = low is not None and high is not None and low != high
    placed = place_value(
        value=None if both else single,
        value_low=low if both else None,
        value_high=high if both else None,
        unit=current.original_unit if kept else current.unit,
        qualifier=given.get("qualifier", current.qualifier),
        attribute=attribute,
        counted=counted,
    )
    if not kept:  # the numbers are canonical here, not as the source gave them
        placed |= {"original_low": None, "original_high": None}
    if "unit" in given:
        placed_unit = place_value(
            value=1.0,
            value_low=None,
            value_high=None,
            unit=given["unit"],
            qualifier=None,
            attribute=attribute,
            counted=counted,
        )
        if placed_unit["unit"] != current.unit:
            raise InvalidValue(
                "unit", given["unit"], f"does not convert to {current.unit}; restate the value"
            )
        placed["original_unit"] = placed_unit["original_unit"]
    else:
        placed["original_unit"] = current.original_unit
    return placed


def _decimal_float(text: str | None) -> float | None:
    return None if text is None else float(text)


def as_given(number: float | None) -> str | None:
    """A number as exact decimal text, without binary artefacts: 7.5 is "7.5", 2100.0 "2100"
    (the shortest text that reads back as the same float, so a source's digits survive)."""
    if number is None:
        return None
    return f"{Decimal(repr(float(number))).normalize():f}"


# A machine-written number (a CSV cell). One dot before exactly three digits ("5.000") is not:
# it reads as 5 or as 5000, so the wording reader decides it by the source's language.
_PLAIN_NUMBER = re.compile(r"(?!\d{1,3}\.\d{3}$)[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def _read_words(given: dict[str, Any], counted: Any, language: str | None, attribute: Any) -> str | None:
    """A `value` given as text: a plain decimal (a CSV cell) becomes its number; words ("no less
    than 5,000") are read by the one wording reader into the value fields, an explicit unit or
    qualifier still winning; with the qualifier `unspecified` they are the source's words and
    no number. `given` is updated in place; returns the words, if any."""
    value = given.get("value")
    if not isinstance(value, str):
        return None
    if _PLAIN_NUMBER.fullmatch(value.strip()):
        given["value"] = float(value)
        return None
    if given.get("value_low") is not None or given.get("value_high") is not None:
        raise InvalidValue("value", value, "in words given together with value_low/value_high: give one or the other")
    if given.get("qualifier") is Qualifier.unspecified:  # the words say how many; there is no number
        given["value"] = None
        return value
    reading = read_value(value, language=language)
    check_counted(reading, counted, text=value)
    if reading.year and attribute not in YEAR_ATTRIBUTES:
        years = ", ".join(sorted(a.value for a in YEAR_ATTRIBUTES))
        raise InvalidValue("value", value, f"is a year, which only {years} takes; for a count or a measure "
                                           "give its number (--quantity) and keep the words in value_text")  # fmt: skip
    explicit = {name: given[name] for name in ("unit", "qualifier") if given.get(name) is not None}
    given.update(reading_fields(reading) | explicit)
    return value


def place_value(
    *,
    value: float | None,
    value_low: float | None,
    value_high: float | None,
    unit: str | None,
    qualifier: Qualifier | None,
    attribute: Attribute | None,
    counted: Counted | None,
) -> dict[str, Any]:
    """Bounds in the canonical unit: `at_least 5000` -> low 5000; `up_to 6 km` -> high 6000 m."""
    unit = clean_text(unit)
    for name, number in (("value", value), ("value_low", value_low), ("value_high", value_high)):
        if number is not None and (not math.isfinite(number) or number < 0):
            raise InvalidValue(name, number, "must be a finite number, zero or more")
        if number is not None and number > MAX_VALUE:
            raise InvalidValue(name, number, f"is beyond the {MAX_VALUE:g} a value may hold")
        if number is not None and len(as_given(number) or "") > GIVEN_DIGITS:
            raise InvalidValue(name, number, f"has more digits than the {GIVEN_DIGITS} a value keeps as given")
    if value is not None and (value_low is not None or value_high is not None):
        raise InvalidValue("value", value, "given together with value_low/value_high: give one or the other")
    low, high = _bounds(value, value_low, value_high, qualifier)
    if low is None and high is None:
        if unit is not None:
            raise InvalidValue("unit", unit, "given without a value")
        return _unitless(None, None, qualifier)
    given_numbers = {"original_low": as_given(low), "original_high": as_given(high)}
    qualifier = qualifier or _default_qualifier(value, low, high)
    if counted is not None:
        if unit is not None:
            raise InvalidValue("unit", unit, f"given for a count of {counted.value}: a count has no unit")
        for name, number in (("value_low", low), ("value_high", high)):
            if number is not None and number != int(number):
                raise InvalidValue(
                    name if value is None else "value", number, f"must be a whole number of {counted.value}"
                )
        return _unitless(low, high, qualifier) | given_numbers
    dimension = ATTRIBUTE_DIMENSION.get(attribute) if attribute else None
    if unit is None:
        if dimension not in (None, "text"):
            raise MissingValue("unit", f"for {attribute.value} (a value in {dimension})")  # type: ignore[union-attr]
        return _unitless(low, high, qualifier) | given_numbers
    converted = convert(low, high, unit, expect_dimension=dimension if dimension != "text" else None)
    for name, number in (("value_low", converted.low), ("value_high", converted.high)):
        if number is not None and not (math.isfinite(number) and number <= MAX_VALUE):
            shown = value if value is not None else (value_low if name == "value_low" else value_high)
            reason = f"in {unit} is {number:g} {converted.unit}, beyond the {MAX_VALUE:g} a value may hold"
            raise InvalidValue("value" if value is not None else name, shown, reason)
    return {
        "value_low": converted.low,
        "value_high": converted.high,
        "unit": converted.unit,
        "original_unit": converted.original_unit,
        "qualifier": qualifier,
    } | given_numbers


def _unitless(low: float | None, high: float | None, qualifier: Qualifier | None) -> dict[str, Any]:
    return {"value_low": low, "value_high": high, "unit": None, "original_unit": None, "qualifier": qualifier,
            "original_low": None, "original_high": None}  # fmt: skip


def _default_qualifier(value: float | None, low: float | None, high: float | None) -> Qualifier:
    if value is not None or low == high:
        return Qualifier.exact
    if low is not None and high is not None:
        return Qualifier.range
    return Qualifier.at_least if low is not None else Qualifier.at_most


def _bounds(
    value: float | None, low: float | None, high: float | None, qualifier: Qualifier | None
) -> tuple[float | None, float | None]:
    name = qualifier.value if qualifier else None
    if qualifier is Qualifier.unspecified:
        if value is not None or low is not None or high is not None:
            raise InvalidValue("qualifier", name, "means no number was given, but a value is present")
        return None, None
    if value is not None:
        if qualifier in (Qualifier.range, Qualifier.magnitude):
            raise InvalidValue("qualifier", name, "needs value_low and value_high, not one value")
        if qualifier in _LOWER_BOUND:
            return value, None
        if qualifier in _UPPER_BOUND:
            return None, value
        return value, value
    if low is not None and high is not None and low > high:
        raise InvalidValue("value_low", low, f"is greater than value_high {high}")
    if qualifier in (Qualifier.range, Qualifier.magnitude) and (low is None or high is None):
        raise MissingValue("value_low" if low is None else "value_high", f"for a {name}")
    if qualifier in _LOWER_BOUND and high is not None:
        raise InvalidValue("value_high", high, f"given with qualifier {name}, which bounds only from below")
    if qualifier in _UPPER_BOUND and low is not None:
        raise InvalidValue("value_low", low, f"given with qualifier {name}, which bounds only from above")
    if qualifier is Qualifier.exact and low is not None and high is not None and low != high:
        raise InvalidValue("qualifier", name, f"given with two different values {low} and {high}")
    if qualifier in _POINT and (low is None) != (high is None):
        single = low if low is not None else high
        return single, single
    return low, high


def check(
    values: dict[str, Any], *, citation_count: int, given: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Enforce the rules of the claim's kind; returns values with defaults filled in.
    `given`: the input as typed, so that a message names the value the editor gave."""
    kind = ClaimKind(values["kind"])
    values = {"stance": Stance.affirms, "party_unknown": False, "counterparty_unknown": False} | {
        name: value for name, value in values.items() if not (name == "stance" and value is None)}  # fmt: skip
    if kind is ClaimKind.comparison and values.get("related_system_id") is not None and (
            values["related_system_id"] == values.get("system_id")):  # fmt: skip
        shown = (
            (given or {}).get("related_system") or (given or {}).get("system") or values["related_system_id"]
        )
        raise InvalidValue("related_system", shown, "is the system itself")
    has_number = values.get("value_low") is not None or values.get("value_high") is not None
    unspecified = values.get("qualifier") is Qualifier.unspecified
    if values.get("system_id") is None and not values.get("subject"):
        raise MissingValue("system", "(or a free-text subject) for every claim")
    if values.get("attribute") is not None and kind is not ClaimKind.specification:
        raise InvalidValue(
            "attribute", values["attribute"].value, f"is only for specification claims, not {kind.value}"
        )
    if kind not in QUANTITY_KINDS:
        for name in ("counted", "scope"):
            if values.get(name) is not None:
                raise InvalidValue(name, values[name].value, f"is only for quantity claims, not {kind.value}")
    denies = values.get("stance") is Stance.denies
    _check_parties(values)
    # A denial of a quantity ("has not supplied any") needs no number.
    _KIND_RULES[kind](values, has_number or (denies and kind in QUANTITY_KINDS), unspecified)
    if kind in QUANTITY_KINDS and (has_number or unspecified or denies):
        if values.get("counted") is None and not (denies and not has_number):
            raise MissingValue(
                "counted",
                f"for {_a(kind.value)} quantity: say what is counted (missiles, launchers, personnel, ...)",
            )
        if values.get("scope") is None:
            if kind not in DEFAULT_SCOPE:
                choices = ", ".join(s.value for s in KIND_SCOPES[kind.value])
                raise MissingValue("scope", f"for {_a(kind.value)} ({choices}): a pledge is not an order")
            values["scope"] = DEFAULT_SCOPE[kind]
    if kind in QUANTITY_KINDS and values.get("scope") is not None and values["scope"] not in KIND_SCOPES[kind.value]:
        choices = ", ".join(s.value for s in KIND_SCOPES[kind.value])
        raise InvalidValue("scope", Scope(values["scope"]).value, f"is not a scope of {_a(kind.value)} ({choices})")
    if citation_count < 1:
        raise MissingValue("citations", "at least one source for every claim")
    about = dates.stored_edtf(values.get("about_edtf"))
    if about is not None:  # an open end reaches the day stated, which may have changed
        stated = dates.stored_edtf(values.get("stated_edtf"))
        values["about_start"], values["about_end"] = dates.about_range(about, stated)
    check_model(ClaimBase, values)
    return values


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _specification(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if values.get("system_id") is None:
        raise MissingValue("system", "for a specification")
    attribute = values.get("attribute")
    if attribute is None:
        raise MissingValue("attribute", "for a specification (max_range, weight, guidance, ...)")
    if ATTRIBUTE_DIMENSION[Attribute(attribute)] == "text":
        if has_number:
            raise InvalidValue(
                "value",
                values.get("value_low") or values.get("value_high"),
                f"is a number, but {attribute.value} takes words (value_text)",
            )
        if not values.get("value_text"):
            raise MissingValue("value_text", f"for a {attribute.value} specification")
    elif not has_number:
        raise MissingValue("value", f"for a {attribute.value} specification")
    if Attribute(attribute) in YEAR_ATTRIBUTES:
        for name in ("value_low", "value_high"):
            year = values.get(name)
            if year is not None and not (FIRST_YEAR <= year <= LAST_YEAR and year == int(year)):
                raise InvalidValue(name, year, f"is not a calendar year ({FIRST_YEAR} to {LAST_YEAR}), "
                                               f"which {attribute.value} takes")  # fmt: skip


def _capability(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if values.get("system_id") is None:
        raise MissingValue("system", "for a capability")
    if values.get("target_type_id") is None:
        raise MissingValue("target_type", "for a capability (what the system can engage)")


def _comparison(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if values.get("system_id") is None:
        raise MissingValue("system", "for a comparison")
    if values.get("related_system_id") is None:
        raise MissingValue("related_system", "for a comparison (the system it is compared to)")


_PARTY_WORDS = "a country, an actor (actor:NAME) or unknown"


def has_party(values: dict[str, Any], side: str) -> bool:
    """Whether one side (`party` or `counterparty`) is given: a country, an actor or unknown."""
    country = values.get("country" if side == "party" else "counterparty_country")
    return country is not None or values.get(f"{side}_actor_id") is not None or bool(values.get(f"{side}_unknown"))


def _check_parties(values: dict[str, Any]) -> None:
    for side in ("party", "counterparty"):
        country = values.get("country" if side == "party" else "counterparty_country")
        given = [country is not None, values.get(f"{side}_actor_id") is not None, bool(values.get(f"{side}_unknown"))]
        if sum(given) > 1:
            raise InvalidValue(side, country, "is given two ways (a country, an actor, unknown): give one")


def _inventory(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if not has_party(values, "party"):
        raise MissingValue("party", f"for an inventory (whose holdings: {_PARTY_WORDS})")
    if not (has_number or unspecified):
        raise MissingValue("value", "for an inventory: a quantity, or qualifier unspecified (or stance denies)")


def _deployment(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if not has_party(values, "party"):
        raise MissingValue("party", f"for a deployment (whose forces: {_PARTY_WORDS})")
    if not (has_number or unspecified or values.get("location")):
        raise MissingValue("location", "for a deployment: a location, a quantity, or qualifier unspecified")


def _transfer(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    if not has_party(values, "party"):
        raise MissingValue("party", f"for a transfer (the recipient: {_PARTY_WORDS})")
    if not has_party(values, "counterparty"):
        raise MissingValue("counterparty", f"for a transfer (the supplier: {_PARTY_WORDS})")
    same_country = values.get("country") is not None and values["country"] == values.get("counterparty_country")
    same_actor = values.get("party_actor_id") is not None and values["party_actor_id"] == values.get(
        "counterparty_actor_id")  # fmt: skip
    if same_country or same_actor:
        shown = values.get("counterparty_country") if same_country else values.get("counterparty_actor_id")
        raise InvalidValue("counterparty", shown, "is the recipient too: a transfer needs two parties")


def _no_extra_rule(values: dict[str, Any], has_number: bool, unspecified: bool) -> None:
    return None


_KIND_RULES = {
    ClaimKind.specification: _specification,
    ClaimKind.capability: _capability,
    ClaimKind.comparison: _comparison,
    ClaimKind.inventory: _inventory,
    ClaimKind.deployment: _deployment,
    ClaimKind.transfer: _transfer,
    ClaimKind.production: _no_extra_rule,
    ClaimKind.use: _no_extra_rule,
    ClaimKind.loss: _no_extra_rule,
}
