"""Internal notes: an editors' working log on a claim or a source (a doubt, a lead, a
contact). Unlike a claim's or source's public `note`, they are not part of the entry: no
revision snapshot, export, citation or API response carries them. Append-only."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from equipment_db.base import datetime_field, enum_field, utcnow
from equipment_db.vocab import EntityType


class EditorNote(SQLModel, table=True):
    __tablename__ = "editor_note"
    __table_args__ = (sa.Index("ix_editor_note_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: EntityType = enum_field(EntityType, "entity_type")
    entity_id: int
    entity_key: str = Field(max_length=200)  # public id at the time, for reading the log
    created_at: datetime = datetime_field(default_factory=utcnow)
    editor: str = Field(min_length=1, max_length=200)
    text: str = Field(sa_type=sa.Text)


class EditorNotePublic(BaseModel):
    """For editors (the CLI), not for the API."""

    entry: str
    created_at: datetime
    editor: str
    text: str
