"""The catalogue: systems, their aliases, target types, external identifiers."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, country_field, datetime_field, enum_field, utcnow
from equipment_db.vocab import AliasKind, EntityType, IdScheme, SystemCategory

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
QID_PATTERN = r"^Q[1-9][0-9]*$"


class SystemBase(SQLModel):
    slug: str = Field(max_length=100, schema_extra={"pattern": SLUG_PATTERN})
    name: str = Field(min_length=1, max_length=200)
    category: SystemCategory = enum_field(SystemCategory, "category")
    origin_country: str | None = country_field()
    manufacturer: str | None = Field(default=None, max_length=200)
    wikidata_qid: str | None = Field(default=None, max_length=20, schema_extra={"pattern": QID_PATTERN})
    description: str | None = Field(default=None, sa_type=sa.Text)


class System(SystemBase, Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="system.id", index=True)


class SystemCreate(SQLModel):
    """Input: the origin country may be a name or a code; the parent a slug or alias."""

    slug: str
    name: str
    category: SystemCategory
    origin_country: str | None = None
    manufacturer: str | None = None
    parent: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None
    aliases: list[AliasCreate] = []


class SystemUpdate(SQLModel):
    name: str | None = None
    category: SystemCategory | None = None
    origin_country: str | None = None
    manufacturer: str | None = None
    parent: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None


class Alias(SQLModel, table=True):
    """Another name of a system. A child row: adding or retracting one revises the system."""

    __table_args__ = (sa.UniqueConstraint("system_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    system_id: int = Field(foreign_key="system.id")
    name: str = Field(min_length=1, max_length=200)
    name_key: str = Field(max_length=200, index=True)
    kind: AliasKind = enum_field(AliasKind, "kind")
    created_at: datetime = datetime_field(default_factory=utcnow)
    retracted_at: datetime | None = datetime_field(default=None)


class AliasCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: AliasKind = AliasKind.common_name

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


SystemCreate.model_rebuild()


class TargetTypeBase(SQLModel):
    slug: str = Field(max_length=100, schema_extra={"pattern": SLUG_PATTERN})
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, sa_type=sa.Text)


class TargetType(TargetTypeBase, Versioned, table=True):
    __tablename__ = "target_type"
    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: int | None = Field(default=None, primary_key=True)


class TargetTypeCreate(TargetTypeBase):
    pass


class TargetTypeUpdate(SQLModel):
    name: str | None = None
    description: str | None = None


class ExternalId(SQLModel, table=True):
    """A typed cross-reference to another database (Wikidata, SIPRI, Oryx)."""

    __tablename__ = "external_id"
    __table_args__ = (
        sa.UniqueConstraint("entity_type", "entity_id", "scheme", "value"),
        sa.Index("ix_external_id_scheme_value", "scheme", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: EntityType = enum_field(EntityType, "entity_type")
    entity_id: int
    scheme: IdScheme = enum_field(IdScheme, "scheme")
    value: str = Field(min_length=1, max_length=200)
    part: str | None = Field(default=None, max_length=50)  # of the record: a register row's delivery year
    created_at: datetime = datetime_field(default_factory=utcnow)
    retracted_at: datetime | None = datetime_field(default=None)


class ExternalIdCreate(SQLModel):
    scheme: IdScheme
    value: str = Field(min_length=1, max_length=200)
    part: str | None = Field(default=None, max_length=50)
