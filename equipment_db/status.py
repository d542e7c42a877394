"""What the service says about itself: is it up, and what its database holds.

The API's `/health` and `/v1/meta` answer with these models; the client reads them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str
    database: str
    standby: bool = Field(
        default=False,
        description="true when the API reads a PostgreSQL hot standby (a streaming replica) that "
        "editors do not write to; always false on SQLite.",
    )
    replication_lag_s: float | None = Field(
        default=None,
        description="On a standby, the seconds since the last write it replayed was committed on "
        "the primary: a write newer than that may not show yet (docs/DEPLOY.md, read-your-writes). "
        "It keeps growing while nobody writes. null when not a standby, or before the standby "
        "has replayed any write.",
    )


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
