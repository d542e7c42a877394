"""Turn pydantic validation failures into typed errors naming the field and the value."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from equipment_db.errors import EquipmentDBError, InvalidValue, MissingValue, Several, TooLong

M = TypeVar("M", bound=BaseModel)

TEXT_LIMIT = 10_000
"""Characters in any one text field without a shorter column limit: a quote, a note, a
description. The one limit for editor commands, seed data and imports alike."""


def first_error(exc: ValidationError, prefix: str = "") -> InvalidValue | MissingValue | TooLong:
    return _error(exc.errors()[0], prefix)


def every_error(exc: ValidationError, prefix: str = "") -> list[EquipmentDBError]:
    return [_error(error, prefix) for error in exc.errors()]


def _error(error: Any, prefix: str) -> InvalidValue | MissingValue | TooLong:
    field = ".".join(str(part) for part in error["loc"]) or "record"
    if prefix:
        field = f"{prefix}.{field}"
    if error["type"] == "missing":
        return MissingValue(field, "but not given")
    if error["type"] == "string_too_long":
        return TooLong(field, len(error["input"]), error["ctx"]["max_length"])
    message = error["msg"]
    if error["type"] == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"is not one of {expected}"
    elif error["type"] == "extra_forbidden":
        message = "is not a known field"
    else:
        message = f"is invalid: {message[0].lower()}{message[1:]}"
    return InvalidValue(field, error.get("input"), message)


def parse_model(model: type[M], data: dict[str, Any], *, prefix: str = "", every: bool = False) -> M:
    """`model.model_validate(data)`, raising InvalidValue/MissingValue on failure (`every`:
    each failing field's error, together as `Several` when there are more than one)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if every:
            Several.raise_any(every_error(exc, prefix))
        raise first_error(exc, prefix) from None


def check_model(model: type[BaseModel], values: dict[str, Any]) -> None:
    """Check column values against a table's base schema (table models skip validation):
    the constraints on its fields (lengths, ranges) and no NUL character in any text."""
    fields = model.model_fields  # a property on the class: read once, not once a key
    known = {key: value for key, value in values.items() if key in fields}
    for key, value in known.items():
        check_no_nul(key, value)
    parse_model(model, known)


def check_no_nul(field: str, value: Any) -> None:
    """No text holds a NUL character: PostgreSQL refuses it, SQLite would cut text at it."""
    if isinstance(value, str) and "\x00" in value:
        raise InvalidValue(field, value, "holds a NUL character (\\x00), which no text may hold")


def clean_text(value: str | None) -> str | None:
    """Strip surrounding white space; an empty string means 'not given'. Enum members
    (a StrEnum is a str) are returned as they are."""
    if value is None or isinstance(value, Enum):
        return value
    stripped = value.strip()
    return stripped or None
