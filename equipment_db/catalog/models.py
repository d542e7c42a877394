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

    slug: str = Field(description="The system's key, which records name it by (or by an alias): lower-case "
                                  "letters, digits and single hyphens (`igla-s`); stored lower-cased.")  # fmt: skip
    name: str = Field(description="Its usual name (`Igla-S`).")
    category: SystemCategory = Field(description="What sort of system it is.")
    origin_country: str | None = Field(default=None, description="The country that developed it: an ISO 3166 "
                                       "code or a country name (`RU`, `Russia`), stored as the code.")  # fmt: skip
    manufacturer: str | None = Field(default=None, description="Who makes it, as free text.")
    parent: str | None = Field(default=None, description="The system it is a variant of: a slug or alias of a "
                               "system in the database or earlier in the file.")  # fmt: skip
    wikidata_qid: str | None = Field(default=None, description="Its Wikidata item: `Q` and digits.")
    description: str | None = Field(default=None, description="What the system is, as free text.")
    aliases: list[AliasCreate] = Field(default=[], description="Other names of the system. When the system "
                                       "exists, the names it lacks are added; none is removed.")  # fmt: skip


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
    name: str = Field(min_length=1, max_length=200, description="Another name of the system (`SA-24`, "
                      "`9K338`); a system has each name once, compared ignoring case and punctuation.")  # fmt: skip
    kind: AliasKind = Field(default=AliasKind.common_name, description="What sort of name it is.")

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


SystemCreate.model_rebuild()


class TargetTypeBase(SQLModel):
    slug: str = Field(max_length=100, schema_extra={"pattern": SLUG_PATTERN},
                      description="The target type's key, which a capability claim names it by: lower-case "
                                  "letters, digits and single hyphens (`helicopter`).")  # fmt: skip
    name: str = Field(min_length=1, max_length=200, description="Its name as shown (`Helicopter`).")
    description: str | None = Field(default=None, sa_type=sa.Text, description="What it covers, as free text.")


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
    scheme: IdScheme = Field(description="The other database.")
    value: str = Field(min_length=1, max_length=200, description="The entry's identifier in that database "
                       "(a Wikidata item, a SIPRI deal, an Oryx entry).")  # fmt: skip
    part: str | None = Field(default=None, max_length=50, description="Which part of that entry, when it has "
                             "several: a register row's delivery year, for a deal with one row per year.")  # fmt: skip
