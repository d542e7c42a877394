"""GET /v1/export: the CLI's export, streamed in chunks from a read session of its own."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from cli.main import app as cli_app
from equipment_db.api.app import create_app
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.config import get_settings
from equipment_db.database import session_scope
from equipment_db.exchange import exporter
from equipment_db.exchange.exporter import CSV_COLUMNS
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import SourceKind
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for

runner = CliRunner()
EDIT = Edit("test-editor", "test edit")


def _cli_export(url: str, fmt: str) -> bytes:
    result = runner.invoke(cli_app, ["--db", url, "export", "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _asgi_get(app: FastAPI, query: str, on_chunk: Callable[[int], None] = lambda n: None) -> dict[str, Any]:
    """Drive the app as a server would and keep every message: shows whether the body came in
    chunks, and lets a test act between chunks (`on_chunk(number)`)."""
    result: dict[str, Any] = {"chunks": []}

    async def run() -> None:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await anyio.sleep_forever()
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                result["status"] = message["status"]
                result["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                result["chunks"].append((message.get("body", b""), message.get("more_body", False)))
                on_chunk(len(result["chunks"]))

        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
                 "method": "GET", "scheme": "http", "path": "/v1/export", "raw_path": b"/v1/export",
                 "query_string": query.encode(), "root_path": "", "headers": [(b"host", b"testserver")],
                 "client": ("127.0.0.1", 1234), "server": ("testserver", 80)}  # fmt: skip
        await app(scope, receive, send)

    anyio.run(run)
    return result


def _app(url: str) -> FastAPI:
    return create_app(get_settings(url=url), engine_for(url))


@pytest.mark.parametrize(("fmt", "media_type"), [("jsonl", "application/x-ndjson"),
                                                 ("csv", "text/csv; charset=utf-8")])  # fmt: skip
def test_streamed_export_equals_the_cli_export_byte_for_byte(dbs: DatabaseFactory, fmt: str,
                                                             media_type: str) -> None:  # fmt: skip
    url = dbs.seeded()
    with api(url) as client:
        response = client.get("/v1/export", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f"attachment; filename=equipment-db.{fmt}"
    assert "etag" not in response.headers
    assert response.content == _cli_export(url, fmt)
    assert len(response.content.splitlines()) > 40


def test_jsonl_is_the_default_format(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with api(url) as client:
        response = client.get("/v1/export")
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.content == _cli_export(url, "jsonl")
    assert response.content.startswith(b'{"type":"target_type","slug":"aircraft",')


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_the_export_is_sent_in_chunks_as_it_is_read(dbs: DatabaseFactory, fmt: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    url = dbs.seeded()
    monkeypatch.setattr(exporter, "CHUNK_RECORDS", 9)
    result = _asgi_get(_app(url), f"format={fmt}")
    bodies = [body for body, _ in result["chunks"]]
    assert result["status"] == 200
    assert len([b for b in bodies if b]) > 5
    assert all(more for _, more in result["chunks"][:-1]) and result["chunks"][-1] == (b"", False)
    assert b"".join(bodies) == _cli_export(url, fmt)  # one header; each claim kept with its citations


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_empty_database_exports_what_the_cli_exports(dbs: DatabaseFactory, fmt: str) -> None:
    url = dbs.migrated()
    with api(url) as client:
        body = client.get("/v1/export", params={"format": fmt}).content
    assert body == _cli_export(url, fmt)
    assert body == (b"" if fmt == "jsonl" else b",".join(c.encode() for c in CSV_COLUMNS) + b"\n")


def test_a_write_during_the_stream_does_not_change_what_is_streamed(dbs: DatabaseFactory,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The stream reads in one transaction of its own, so it is one consistent state."""
    url = dbs.seeded()
    before = _cli_export(url, "jsonl")
    monkeypatch.setattr(exporter, "CHUNK_RECORDS", 9)

    def write_once(number: int) -> None:
        if number == 1:
            with session_scope(engine_for(url), write=True) as session:
                source_service.create_source(session, SourceCreate(
                    kind=SourceKind.web_page, title="Test Report 1", url="https://example.org/1"), edit=EDIT)  # fmt: skip

    result = _asgi_get(_app(url), "format=jsonl", on_chunk=write_once)
    assert b"".join(body for body, _ in result["chunks"]) == before
    assert b"Test Report 1" in _cli_export(url, "jsonl")


def test_csv_export_neutralises_formula_cells(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with session_scope(engine_for(url), write=True) as session:
        claim_service.update_claim(session, "C-YSESYR2E", ClaimUpdate(
            note='=HYPERLINK("https://example.org/1","x")', verification_note="@SUM(1+1)"), edit=EDIT)  # fmt: skip
    with api(url) as client:
        body = client.get("/v1/export", params={"format": "csv"}).content
    assert body == _cli_export(url, "csv")
    rows = [r for r in csv.DictReader(io.StringIO(body.decode())) if r["id"] == "C-YSESYR2E"]
    assert [(r["note"], r["verification_note"]) for r in rows] == [
        ('\'=HYPERLINK("https://example.org/1","x")', "'@SUM(1+1)")
    ] * 2
    assert b"\n=HYPERLINK" not in body and b",=HYPERLINK" not in body and b',"=HYPERLINK' not in body


@pytest.mark.parametrize("fmt", ["xlsx", "JSONL", ""])
def test_an_unknown_format_is_a_problem_naming_the_parameter(dbs: DatabaseFactory, fmt: str) -> None:
    with api(dbs.migrated()) as client:
        response = client.get("/v1/export", params={"format": fmt})
    assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json")
    assert (response.json()["parameter"], response.json()["code"]) == ("format", "invalid_parameter")


def test_the_export_route_is_documented(dbs: DatabaseFactory) -> None:
    with api(dbs.migrated()) as client:
        operation = client.get("/openapi.json").json()["paths"]["/v1/export"]["get"]
    assert operation["summary"] and set(operation["responses"]["200"]["content"]) >= {
        "application/x-ndjson", "text/csv"}  # fmt: skip
    assert [p["name"] for p in operation["parameters"]] == ["format"]
