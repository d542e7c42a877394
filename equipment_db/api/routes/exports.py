"""The whole database as one download, in the import format, streamed as it is read."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from equipment_db.database import is_sqlite
from equipment_db.transfer.exporter import export_records, write_claims_csv, write_jsonl

router = APIRouter(tags=["export"])
CHUNK_RECORDS = 500  # records rendered per chunk of the response body


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


MEDIA = {ExportFormat.jsonl: "application/x-ndjson", ExportFormat.csv: "text/csv"}


@router.get(
    "/v1/export",
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
def export(
    request: Request,
    format: Annotated[
        ExportFormat, Query(description="jsonl (every record type) or csv (claims).", examples=["jsonl"])
    ] = ExportFormat.jsonl,
) -> StreamingResponse:
    return StreamingResponse(
        _stream(request.app.state.engine, format),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f"attachment; filename=equipment-db.{format.value}"},
    )


def _stream(engine: sa.Engine, fmt: ExportFormat) -> Iterator[bytes]:
    """The export, a chunk at a time, byte for byte what `equipment-db export` writes.

    The request's session closes before the stream ends, so the stream reads in a
    session of its own, opened when the first chunk is asked for."""
    writer = write_jsonl if fmt is ExportFormat.jsonl else write_claims_csv
    header: str | None = None
    with _snapshot(engine) as session:
        for batch in _batches(export_records(session), CHUNK_RECORDS):
            buffer = io.StringIO()
            writer(iter(batch), buffer)
            text = buffer.getvalue()
            if fmt is ExportFormat.csv:  # each call writes the header; keep the first
                if header is None:
                    header = text.partition("\n")[0] + "\n"
                else:
                    text = text.removeprefix(header)
            if text:
                yield text.encode("utf-8")


def _batches(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Lists of about `size` records, cut only before a record that is not a citation, so that
    a claim and its citations (one CSV row each) stay together. At least one, maybe empty."""
    batch: list[dict[str, Any]] = []
    for item in items:
        if len(batch) >= size and item["type"] != "citation":
            yield batch
            batch = []
        batch.append(item)
    yield batch


@contextmanager
def _snapshot(engine: sa.Engine) -> Iterator[Session]:
    """A read-only session held for the length of the stream: one transaction, so the export
    is one consistent state (REPEATABLE READ on PostgreSQL; SQLite's WAL gives a read
    transaction one snapshot). Never committed. No statement time limit: an export is long."""
    with engine.connect() as connection:
        session = Session(bind=connection, expire_on_commit=False)
        try:
            if not is_sqlite(engine):
                session.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            yield session
        finally:
            session.rollback()
            session.close()
