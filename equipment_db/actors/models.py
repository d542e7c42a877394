"""Actors: who makes claims (people, government bodies, armed forces, outlets, institutes)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlmodel import Field, SQLModel

from equipment_db.base import Versioned, country_field, enum_field
from equipment_db.catalog.models import QID_PATTERN
from equipment_db.vocab import ActorKind, ClaimKind, VerificationStatus


class ActorBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind = enum_field(ActorKind, "kind")
    country: str | None = country_field()
    role: str | None = Field(default=None, max_length=300)
    wikidata_qid: str | None = Field(default=None, max_length=20, schema_extra={"pattern": QID_PATTERN})
    description: str | None = Field(default=None, sa_type=sa.Text)


class Actor(ActorBase, Versioned, table=True):
    __table_args__ = (sa.UniqueConstraint("name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200)


class ActorCreate(SQLModel):
    name: str = Field(description="The actor's name, which claims name it by (as claimant or party); one actor "
                                  "per name, compared ignoring case and punctuation.")  # fmt: skip
    kind: ActorKind = Field(description="What sort of actor it is.")
    country: str | None = Field(default=None, description="The actor's country: an ISO 3166 code or a country "
                                "name, stored as the code.")  # fmt: skip
    role: str | None = Field(default=None, description="The actor's position or function (`President of "
                             "Venezuela`).")  # fmt: skip
    wikidata_qid: str | None = Field(default=None, description="Its Wikidata item: `Q` and digits.")
    description: str | None = Field(default=None, description="Who the actor is, as free text.")


class ActorUpdate(SQLModel):
    name: str | None = None
    kind: ActorKind | None = None
    country: str | None = None
    role: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None


class ActorClaimPublic(BaseModel):
    """A claim an actor made."""

    id: str = PydanticField(examples=["C-YSESYR2E"])
    kind: ClaimKind
    value_as_worded: str | None = PydanticField(default=None, examples=["at least 5,000 missiles"])
    stated: str | None = PydanticField(default=None, examples=["2025-10-22"])
    status: VerificationStatus
    api_url: str = PydanticField(description="The claim's address in the API.")


class ActorRowPublic(BaseModel):
    """One line of an actor list."""

    name: str = PydanticField(examples=["Nicolás Maduro"])
    kind: ActorKind
    country: str | None = PydanticField(default=None, examples=["VE"])
    role: str | None = PydanticField(default=None, examples=["President of Venezuela"])
    retracted: bool
    api_url: str = PydanticField(description="This actor's address in the API.")


class ActorPublic(BaseModel):
    """An actor as the API gives it: the import record's fields, its version fields, and
    the claims the actor made."""

    name: str = PydanticField(examples=["Nicolás Maduro"])
    kind: ActorKind
    country: str | None = None
    role: str | None = None
    wikidata_qid: str | None = None
    description: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime
    retracted_at: datetime | None = None
    retraction_reason: str | None = None
    claims_total: int = PydanticField(description="How many entries `claims` holds without the limit.")
    claims: list[ActorClaimPublic] = PydanticField(
        description="The claims (not retracted) this actor made, oldest first; at most `claims_limit`."
    )
    claims_url: str = PydanticField(description="All of them, paginated: /v1/claims?claimant=...")
    api_url: str = PydanticField(description="This actor's address in the API.")
