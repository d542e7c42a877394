"""Revisions: the append-only history of every create, update and retract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from equipment_db.base import datetime_field, enum_field, utcnow
from equipment_db.vocab import EntityType, RevisionAction


class Revision(SQLModel, table=True):
    """One immutable version of one entity, with who, when, why and a full snapshot."""

    __table_args__ = (
        sa.UniqueConstraint("entity_type", "entity_id", "version"),
        sa.Index("ix_revision_created_at", "created_at"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_type: EntityType = enum_field(EntityType, "entity_type")
    entity_id: int
    entity_key: str = Field(max_length=200)  # public id, slug or name at the time
    version: int
    action: RevisionAction = enum_field(RevisionAction, "action")
    created_at: datetime = datetime_field(default_factory=utcnow)
    editor: str = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    snapshot: dict[str, Any] = Field(sa_type=sa.JSON)


class RevisionPublic(BaseModel):
    """One version of an entry, as it was: immutable."""

    version: int
    action: RevisionAction
    created_at: datetime
    editor: str | None = PydanticField(description="Who made the change; null where editors are kept private.")
    reason: str | None = None
    url: str


class RevisionSnapshotPublic(RevisionPublic):
    snapshot: dict[str, Any]
