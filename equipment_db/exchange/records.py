"""Checking import records: their types, and the fields and values each may hold.

Each entity's record shape lives with its domain (`catalog.records`, `actors.records`,
`sources.records`, `claims.records`); `--json` output, export and import share it.

An imported record may hold only the fields of its shape: the ones the database keeps
(version, created_at, retracted_at, public_id, row ids, ...) are refused, not ignored.
Every text field holds at most TEXT_LIMIT characters (fewer where its column is shorter:
a claim's subject 300, location 500, value_text 1,000, unit 40; a citation's locator 200)
and no NUL character.
"""

from __future__ import annotations

import functools
import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import SQLModel

from equipment_db.actors.models import Actor, ActorCreate
from equipment_db.catalog.models import (
    Alias,
    AliasCreate,
    ExternalId,
    ExternalIdCreate,
    System,
    SystemCreate,
    TargetType,
    TargetTypeCreate,
)
from equipment_db.claims.models import (
    Citation,
    CitationCreate,
    Claim,
    ClaimCreate,
    ClaimLink,
    ClaimLinkCreate,
)
from equipment_db.claims.records import CLAIM_FIELDS as CLAIM_FIELDS  # the claims CSV's columns
from equipment_db.errors import EquipmentDBError, InvalidValue, Several, TooLong, each_error
from equipment_db.sources.models import Source, SourceCreate

RECORD_TYPES = ("target_type", "system", "alias", "actor", "source", "claim", "citation", "claim_link")


TEXT_LIMIT = 10_000
"""Characters in any one text field of an imported record: a quote, a note, a description."""


class Extra(typing.NamedTuple):
    """A field of a record beyond its input model's: a natural key (docs/IMPORT.md)."""

    annotation: Any
    required: bool
    description: str


# (input model, table model, fields beyond the input model's) per record type.
_SHAPES: dict[str, tuple[type[SQLModel], type[SQLModel], dict[str, Extra]]] = {
    "target_type": (TargetTypeCreate, TargetType, {}),
    "system": (SystemCreate, System, {}),
    "alias": (AliasCreate, Alias, {"system": Extra(str, True, "The system it is a name of: its slug or an alias.")}),
    "actor": (ActorCreate, Actor, {}),
    "source": (SourceCreate, Source, {"id": Extra(str, False, (
        "The source's public id (`S-7K3Q9XZ2`). Given: the source with that id is updated, or a new one "
        "keeps it. Left out: the source with the same `url`, if any, is updated; otherwise a new one is made "
        "with a new id."))}),
    "claim": (ClaimCreate, Claim, {"id": Extra(str, False, (
        "The claim's public id (`C-7K3Q9XZ2`). Given: the claim with that id is restated by the record, or a "
        "new one keeps it. Left out: a new claim gets a new id, unless an active claim says exactly the "
        "same (the same fields and citations): then nothing changes."))}),
    "citation": (CitationCreate, Citation, {"claim": Extra(str, True, "The claim it cites a source for: its id.")}),
    "claim_link": (ClaimLinkCreate, ClaimLink, {}),
}
_TABLES: dict[type[BaseModel], type[SQLModel]] = {CitationCreate: Citation, AliasCreate: Alias,
                                                  ExternalIdCreate: ExternalId}  # fmt: skip
_KEPT = ("public_id", "version", "created_at", "updated_at", "retracted_at", "retraction_reason")
KEPT = "is kept by the database: an import cannot set it"
# Text stored as given in a column shorter than TEXT_LIMIT (the services check the others).
_COLUMN_LIMITS = {Claim: ("subject", "location", "value_text", "unit"), Citation: ("locator",)}


def _column_limit(table: type[SQLModel], name: str) -> int:
    return next(m.max_length for m in table.model_fields[name].metadata if hasattr(m, "max_length"))


_LIMITS = {(table, name): _column_limit(table, name)
           for table, names in _COLUMN_LIMITS.items() for name in names}  # fmt: skip
_JSON_NAMES = {str: "a string", float: "a number", list: "an array", dict: "an object"}


def shape(record_type: str) -> tuple[type[SQLModel], type[SQLModel], dict[str, Extra]]:
    """A record type's input model, its table and its extra fields (docs/IMPORT.md)."""
    return _SHAPES[record_type]


def nested_models() -> list[type[BaseModel]]:
    """The models of the objects nested in records (a claim's citations, a system's aliases)."""
    return list(_TABLES)


def nested_table(model: type[BaseModel]) -> type[SQLModel]:
    """The table of a nested object's model."""
    return _TABLES[model]


def text_limit(table: type[SQLModel], name: str) -> int:
    """Characters a text field (or each text of a list) may hold in an imported record."""
    return _LIMITS.get((table, name), TEXT_LIMIT)


def kept_fields(record_type: str, model: type[BaseModel] | None = None) -> list[str]:
    """The fields a record of `record_type` (or one of its nested objects, of `model`) may not
    give because the database keeps them."""
    model = model or _SHAPES[record_type][0]
    table = _SHAPES[record_type][1] if model is _SHAPES[record_type][0] else _TABLES[model]
    names = {*_KEPT, *table.model_fields}
    return sorted(name for name in names if _plan(model, table, record_type, name) == KEPT)


def check_record(data: dict[str, Any]) -> None:
    """Refuse a record (its `type` known) that has a field its shape lacks or the database
    keeps, a value of the wrong JSON type, a text longer than its limit or holding NUL."""
    model, table, _ = _SHAPES[data["type"]]
    _check_fields(data, model, table, prefix="", record_type=data["type"])


def _check_fields(data: dict[str, Any], model: type[BaseModel], table: type[SQLModel],
                  *, prefix: str, record_type: str) -> None:  # fmt: skip
    """Each field's error, all of them together (`Several`)."""
    errors: list[EquipmentDBError] = []
    for name, value in data.items():
        if name == "type" and not prefix:
            continue
        plan = _plan(model, table, record_type, name)
        try:
            if isinstance(plan, str):
                raise InvalidValue(f"{prefix}{name}", value, plan)
            if value is not None:
                _check_value(f"{prefix}{name}", value, plan, record_type)
        except EquipmentDBError as exc:
            errors += each_error(exc)
    Several.raise_any(errors)


class _Plan(typing.NamedTuple):
    """How one field of one record shape is checked: computed once, not per record."""

    kinds: tuple[type, ...]
    wanted: str
    limit: int
    item: _Plan | None  # for a list: its elements
    nested: tuple[type[BaseModel], type[SQLModel]] | None  # for an object: its shape


@functools.cache
def _plan(model: type[BaseModel], table: type[SQLModel], record_type: str, name: str) -> _Plan | str:
    """The field's plan, or why the field may not be given at all."""
    extra = _SHAPES[record_type][2] if model is _SHAPES[record_type][0] else {}
    if name in extra:
        annotation = extra[name].annotation
    elif name in model.model_fields and name != "public_id":
        annotation = model.model_fields[name].annotation
    elif name in _KEPT or name in table.model_fields:
        return KEPT
    else:
        return f"is not a field of a {record_type} record"
    return _annotation_plan(annotation, text_limit(table, name))


def _annotation_plan(annotation: Any, limit: int) -> _Plan:
    kinds = tuple(_json_kinds(annotation))
    wanted = " or ".join(_JSON_NAMES[k] for k in kinds if k in _JSON_NAMES)
    item = _annotation_plan(_list_item(annotation), limit) if list in kinds else None
    nested = None
    if dict in kinds:
        found = _model_of(annotation)
        nested = (found, _TABLES[found])
    return _Plan(kinds, wanted, limit, item, nested)


def _check_value(field: str, value: Any, plan: _Plan, record_type: str) -> None:
    got = float if isinstance(value, int | float) and not isinstance(value, bool) else type(value)
    if got not in plan.kinds and not (got is str and float in plan.kinds):  # "5" for 5: CSV cells are text
        raise InvalidValue(field, value, f"is {_JSON_NAMES.get(got, 'true/false')} where {plan.wanted} belongs")
    if got is str:
        if len(value) > plan.limit:
            raise TooLong(field, len(value), plan.limit)
        if "\x00" in value:
            raise InvalidValue(field, value, "holds a NUL character (\\x00), which no text may hold")
    elif got is list:
        for index, element in enumerate(value):
            if element is not None:
                _check_value(f"{field}[{index}]", element, plan.item, record_type)  # type: ignore[arg-type]
    elif got is dict:
        model, table = plan.nested  # type: ignore[misc]
        _check_fields(value, model, table, prefix=f"{field}.", record_type=record_type)


def _union(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _json_kinds(annotation: Any) -> list[type]:
    kinds: list[type] = []
    for arg in _union(annotation):
        origin = typing.get_origin(arg) or arg
        if origin is list:
            kinds.append(list)
        elif isinstance(origin, type) and issubclass(origin, BaseModel):
            kinds.append(dict)
        elif origin in (float, int):
            kinds.append(float)
        elif isinstance(origin, type) and issubclass(origin, str | date):
            kinds.append(str)
    return kinds


def _list_item(annotation: Any) -> Any:
    return next(typing.get_args(arg)[0] for arg in _union(annotation) if typing.get_origin(arg) is list)


def _model_of(annotation: Any) -> type[BaseModel]:
    return next(arg for arg in _union(annotation) if isinstance(arg, type) and issubclass(arg, BaseModel))
