"""Sources: where a claim was read, and which other source a source cites."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, datetime_field, enum_field
from equipment_db.vocab import DatePrecision, SourceKind


class SourceBase(SQLModel):
    kind: SourceKind = enum_field(SourceKind, "kind")
    title: str | None = Field(default=None, min_length=1, max_length=500)
    publisher: str | None = Field(default=None, max_length=200)
    authors: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    url: str | None = Field(default=None, max_length=2000)
    published_on: date | None = None
    published_precision: DatePrecision | None = enum_field(
        DatePrecision, "published_precision", default=None, nullable=True
    )
    accessed_on: date | None = None
    archive_url: str | None = Field(default=None, max_length=2000)
    language: str | None = Field(default=None, max_length=35)
    fetched_at: datetime | None = datetime_field(default=None)
    content_sha256: str | None = Field(default=None, min_length=64, max_length=64)
    note: str | None = Field(default=None, sa_type=sa.Text)


class Source(SourceBase, Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("public_id"), sa.UniqueConstraint("url"))

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=10)
    cites_source_id: int | None = Field(default=None, foreign_key="source.id", index=True)


class SourceCreate(SQLModel):
    """Input: dates as YYYY, YYYY-MM or YYYY-MM-DD; `cites` a source id or URL."""

    kind: SourceKind
    title: str | None = None
    publisher: str | None = None
    authors: list[str] = []
    url: str | None = None
    published: str | None = None
    accessed: str | None = None
    archive_url: str | None = None
    language: str | None = None
    fetched_at: datetime | None = None
    content_sha256: str | None = None
    note: str | None = None
    cites: str | None = None
    public_id: str | None = None  # kept on import; new ids are generated otherwise


class SourceUpdate(SQLModel):
    kind: SourceKind | None = None
    title: str | None = None
    publisher: str | None = None
    authors: list[str] | None = None
    url: str | None = None
    published: str | None = None
    accessed: str | None = None
    archive_url: str | None = None
    language: str | None = None
    fetched_at: datetime | None = None
    content_sha256: str | None = None
    note: str | None = None
    cites: str | None = None
