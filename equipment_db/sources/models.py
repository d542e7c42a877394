"""Sources: where a claim was read, and which other source a source cites."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, datetime_field, enum_field
from equipment_db.vocab import CitationRole, ClaimKind, DatePrecision, SourceKind


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

    kind: SourceKind = Field(description="What sort of source it is.")
    title: str | None = Field(default=None, description="Its title. A source needs a title or a publisher.")
    publisher: str | None = Field(default=None, description="Who published it: an outlet, an agency, a "
                                  "ministry. A source needs a title or a publisher.")  # fmt: skip
    authors: list[str] = Field(default=[], description="Its authors' names, in the source's order.")
    url: str | None = Field(default=None, description="Where it is published; stored normalised, one source per "
                            "URL. Citations and `cites` may name the source by it.")  # fmt: skip
    published: str | None = Field(default=None, description="When it was published, as precisely as known: "
                                  "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`.")  # fmt: skip
    accessed: str | None = Field(default=None, description="When it was read: a full date, `YYYY-MM-DD`.")
    archive_url: str | None = Field(default=None, description="Where an archived copy of it is.")
    language: str | None = Field(default=None, description="Its language: an ISO 639 code, with a region if "
                                 "need be (`en`, `de-AT`). The wording of its claims' values is read in it "
                                 "(docs/WORDING.md).")  # fmt: skip
    fetched_at: datetime | None = Field(default=None, description="When `source fetch` read it: an ISO 8601 "
                                        "date and time with its offset.")  # fmt: skip
    content_sha256: str | None = Field(default=None, description="The SHA-256 digest of the content read, "
                                       "64 hexadecimal digits.")  # fmt: skip
    note: str | None = Field(default=None, description="A public note on the source, part of the entry.")
    cites: str | None = Field(default=None, description="The source this one reports from (an outlet it "
                              "credits): that source's id or URL, in the database or in the file.")  # fmt: skip
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


class SourceChainLinkPublic(BaseModel):
    """One step of a reporting chain: the source, then the one it cites, and so on."""

    id: str = PydanticField(examples=["S-SNXDBGDV"])
    publisher: str | None = PydanticField(default=None, examples=["CNN"])
    title: str | None = None
    url: str | None = None
    archive_url: str | None = None


class SourceClaimPublic(BaseModel):
    """A claim a source carries, and how: its role and the words quoted from it."""

    id: str = PydanticField(examples=["C-YSESYR2E"])
    kind: ClaimKind
    value_as_worded: str | None = PydanticField(default=None, examples=["at least 5,000 missiles"])
    role: CitationRole
    quote: str | None = None
    locator: str | None = None
    api_url: str = PydanticField(description="The claim's address in the API.")


class SourceRowPublic(BaseModel):
    """One line of a source list."""

    id: str = PydanticField(examples=["S-PJZ2YVHP"])
    kind: SourceKind
    title: str | None = None
    publisher: str | None = PydanticField(default=None, examples=["Anadolu Agency"])
    published: str | None = PydanticField(default=None, examples=["2025-10-23"])
    url: str | None = PydanticField(default=None, description="Where the source itself is published.")
    language: str | None = PydanticField(default=None, examples=["en"])
    cites: str | None = PydanticField(default=None, description="The id of the source this one cites.")
    retracted: bool
    api_url: str = PydanticField(description="This source's address in the API.")


class SourcePublic(BaseModel):
    """A source as the API gives it: the import record's fields, its version fields, the
    chain of sources it reports from (itself first), and the claims it carries."""

    id: str = PydanticField(examples=["S-PJZ2YVHP"])
    kind: SourceKind
    title: str | None = None
    publisher: str | None = None
    authors: list[str] = []
    url: str | None = PydanticField(default=None, description="Where the source itself is published.")
    published: str | None = PydanticField(default=None, examples=["2025-10-23"])
    accessed: str | None = None
    archive_url: str | None = None
    language: str | None = None
    fetched_at: str | None = None
    content_sha256: str | None = None
    note: str | None = None
    cites: str | None = PydanticField(default=None, description="The id of the source this one cites.")
    version: int
    created_at: datetime
    updated_at: datetime
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    reporting_chain: list[SourceChainLinkPublic]
    claims_total: int = PydanticField(description="How many entries `claims` holds without the limit.")
    claims: list[SourceClaimPublic] = PydanticField(
        description="The claims (not retracted) this source carries, one entry per citation, oldest first; "
        "at most `claims_limit`."
    )
    claims_url: str = PydanticField(description="All of them, paginated: /v1/claims?source=...")
    api_url: str = PydanticField(description="This source's address in the API.")
