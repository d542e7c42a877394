"""Actors: who makes claims (people, government bodies, armed forces, outlets, institutes)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, enum_field
from equipment_db.catalog.models import QID_PATTERN
from equipment_db.vocab import ActorKind


class ActorBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind = enum_field(ActorKind, "kind")
    country: str | None = Field(default=None, min_length=2, max_length=2)
    role: str | None = Field(default=None, max_length=300)
    wikidata_qid: str | None = Field(default=None, max_length=20, schema_extra={"pattern": QID_PATTERN})
    description: str | None = Field(default=None, sa_type=sa.Text)


class Actor(ActorBase, Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200)


class ActorCreate(SQLModel):
    name: str
    kind: ActorKind
    country: str | None = None
    role: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None


class ActorUpdate(SQLModel):
    name: str | None = None
    kind: ActorKind | None = None
    country: str | None = None
    role: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None
