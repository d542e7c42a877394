"""Shared table machinery: metadata naming convention, enum columns, the versioned mixin."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Timezone-aware UTC datetimes on both engines (SQLite stores no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return stored_utc(value)


def stored_utc(value: Any) -> datetime | None:
    """A datetime as the driver gives it (SQLite: text), read as `UTCDateTime` reads it:
    timezone-aware UTC. For rows read on the driver's cursor, not through the ORM."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A string column guarded by a named CHECK constraint listing the vocabulary."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_cls),
        values_callable=lambda members: [member.value for member in members],
    )


def enum_field(enum_cls: type[StrEnum], name: str, **kwargs: Any) -> Any:
    return Field(sa_type=enum_type(enum_cls, name), **kwargs)


def country_field() -> Any:
    """A stored country code: ISO 3166-1 alpha-2 (`VE`), user-assigned `XK`, or an ISO 3166-3
    former country's four letters (`SUHH`); normalize/countries.py reads names into it."""
    return Field(default=None, min_length=2, max_length=4)


def datetime_field(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime(), **kwargs)


class Versioned(SQLModel):
    """Columns every editable entity carries: its current version and retraction state.

    Nothing is deleted: retraction sets `retracted_at` and the entry stays readable.
    """

    version: int = Field(default=1, ge=1)
    created_at: datetime = datetime_field(default_factory=utcnow)
    updated_at: datetime = datetime_field(default_factory=utcnow)
    retracted_at: datetime | None = datetime_field(default=None)
    retraction_reason: str | None = Field(default=None, max_length=2000)

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None
