"""What the service says about itself: is it up, and what its database holds.

The API's `/health` and `/v1/meta` answer with these models; the client reads them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str
    database: str


class Meta(BaseModel):
    schema_revision: str | None
    schema_head: str
    counts: dict[str, int]
    last_change: datetime | None


class HoldingsPublic(BaseModel):
    """Current entries (not retracted); countries: those the claims name as a party."""

    systems: int
    claims: int
    sources: int
    actors: int
    countries: int


class HomePublic(BaseModel):
    """The API's front door: what it holds and where to read it."""

    name: str
    description: str
    holdings: HoldingsPublic
    links: dict[str, str] = Field(description="The lists, search, the feed of changes and the API's description.")
