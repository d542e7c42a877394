"""Keyset pagination: an opaque cursor holds the last id seen (and which list and filters it
belongs to); never OFFSET."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar
from weakref import WeakKeyDictionary

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


def url_template(request: Request, route: str, param: str) -> Callable[[str], str]:
    """`request.url_for(route, **{param: value})` for many values: the route is looked up once
    per app and base URL (Starlette's url_for walks every route; per row it cost a quarter of
    a list request, and once per request a tenth of a claim's)."""
    scope = request.scope
    key = (route, param, scope.get("scheme"), scope.get("server"), scope.get("root_path", ""),
           request.headers.get("host"))  # fmt: skip
    templates = _templates.setdefault(request.app, {})
    template = templates.get(key)
    if template is None:
        if len(templates) > 1000:  # a bound: the root path and the host come with requests
            templates.clear()
        template = templates[key] = str(request.url_for(route, **{param: _MARKER}))
    head, _, tail = template.partition(_MARKER)
    return lambda value: head + value + tail


_MARKER = "__equipment_db_key__"
_templates: WeakKeyDictionary[Any, dict[tuple[Any, ...], str]] = WeakKeyDictionary()
