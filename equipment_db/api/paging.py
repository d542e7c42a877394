"""Keyset pagination: an opaque cursor holds the last id seen (and which list and filters it
belongs to); never OFFSET."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Annotated, Generic, TypeVar

from fastapi import Query, Request
from pydantic import BaseModel

from equipment_db.errors import InvalidValue

T = TypeVar("T")
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page (at most {MAX_LIMIT}).")]
CursorQuery = Annotated[
    str | None, Query(max_length=200, description="The `next` cursor of the previous page.")
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    limit: int
    next: str | None = None  # URL of the next page; null on the last one


def cursor_scope(request: Request) -> str:
    """What a cursor belongs to: the list (path) and its filters (every parameter but the
    cursor, the page size and `include`), hashed short. A cursor from another list or filter
    is refused: its position means nothing there."""
    filters = sorted((k, v) for k, v in request.query_params.multi_items()
                     if k not in ("cursor", "limit", "include"))  # fmt: skip
    return hashlib.sha256(json.dumps([request.url.path, filters]).encode()).hexdigest()[:12]


def encode_cursor(last_id: int, request: Request) -> str:
    data = {"after": last_id, "in": cursor_scope(request)}
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, request: Request) -> int | None:
    if cursor is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after, scope = data["after"], data["in"]
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError, KeyError):
        raise InvalidValue("cursor", cursor, "is not a cursor this API gave out") from None
    if not isinstance(after, int) or isinstance(after, bool) or after < 0 or after > 2**62:
        raise InvalidValue("cursor", cursor, "is not a cursor this API gave out")
    if scope != cursor_scope(request):
        raise InvalidValue("cursor", cursor, "belongs to another list or other filters: start again without it")
    return after
