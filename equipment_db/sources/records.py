"""The import/export record of a source (referred to by public id; `cites` is one too)."""

from __future__ import annotations

from typing import Any

from equipment_db.normalize.dates import format_partial
from equipment_db.sources.models import Source

SOURCE_FIELDS = (
    "id", "kind", "title", "publisher", "authors", "url", "published", "accessed", "archive_url",
    "language", "fetched_at", "content_sha256", "note", "cites",
)  # fmt: skip


def published(source: Source) -> str | None:
    """The publication date as precise as it is known: YYYY, YYYY-MM or YYYY-MM-DD."""
    if source.published_on and source.published_precision:
        return format_partial(source.published_on, source.published_precision)
    return None


def source_record(source: Source, cites_public_id: str | None) -> dict[str, Any]:
    return {
        "type": "source", "id": source.public_id, "kind": source.kind.value, "title": source.title,
        "publisher": source.publisher, "authors": list(source.authors), "url": source.url,
        "published": published(source), "accessed": source.accessed_on.isoformat() if source.accessed_on else None,
        "archive_url": source.archive_url, "language": source.language,
        "fetched_at": source.fetched_at.isoformat() if source.fetched_at else None,
        "content_sha256": source.content_sha256, "note": source.note, "cites": cites_public_id,
    }  # fmt: skip
