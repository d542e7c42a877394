"""What the service says about itself: is it up, and what its database holds.

The API's `/health` and `/v1/meta` answer with these models; the client reads them.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    database: str


class Meta(BaseModel):
    schema_revision: str | None
    schema_head: str
    counts: dict[str, int]
    last_change: datetime | None
