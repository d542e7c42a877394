"""The whole database as one download, in the import format, streamed as it is read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from equipment_db import permalinks
from equipment_db.api.lanes import lane
from equipment_db.exchange import exporter

router = APIRouter(tags=["export"])


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


MEDIA = {ExportFormat.jsonl: "application/x-ndjson", ExportFormat.csv: "text/csv"}


@router.get(
    permalinks.EXPORT,
    summary="Every active entry as JSON Lines or CSV (the import format), streamed",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/x-ndjson": {}, "text/csv": {}},
            "description": "JSON Lines: every record type, as `equipment-db export` writes "
            "it. CSV: claims, one row per citation.",
        }
    },
)
async def export(
    request: Request,
    format: Annotated[
        ExportFormat, Query(description="jsonl (every record type) or csv (claims).", examples=["jsonl"])
    ] = ExportFormat.jsonl,
) -> StreamingResponse:
    release = lane(request, "exports").take(field="format", value=format.value)
    return _LaneStream(
        release,
        _stream(request.app.state.engine, format),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f"attachment; filename=equipment-db.{format.value}"},
    )


class _LaneStream(StreamingResponse):
    """A stream that holds its place in the exports lane until it ends, however it ends.
    The one answer that reads the database while it is sent: its connection is one the
    pool keeps for exports (`Settings.export_streams`), so a slow reader takes no other's."""

    def __init__(self, release: Callable[[], None], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.release = release

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.release()


def _stream(engine: sa.Engine, fmt: ExportFormat) -> Iterator[bytes]:
    """The export as the library writes it, a chunk at a time. The request's session closes
    before the stream ends: the export reads in a snapshot of its own, opened when the first
    chunk is asked for."""
    with exporter.snapshot(engine) as session:
        for text in exporter.export_chunks(session, fmt.value):
            yield text.encode("utf-8")
