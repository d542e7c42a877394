"""T11 exposure: the API is read-only, keeps editors' internal notes (and, when configured,
their names) to itself, and never answers with a traceback."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from equipment_db.api.app import create_app
from equipment_db.api.routes import claims as claim_routes
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.config import get_settings
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.notes import queries as note_queries
from equipment_db.notes import service as note_service
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceUpdate
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

NOTE_MARKER = "INTERNAL-NOTE-MARKER-7f3a"
EDITOR_MARKER = "Private Editor Marker-91c2"
SECRET = "secret-detail-4be1"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _private_entries(url: str) -> dict[str, str]:
    """Seed data plus a synthetic claim and source, each edited by a marked editor and
    carrying a marked internal note."""
    engine = engine_for(url)
    keys = populate(engine)
    claim = add_claim(engine, keys["source"])
    edit = Edit(EDITOR_MARKER, "test edit")
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, claim, ClaimUpdate(note="public note"), edit=edit)
        source_service.update_source(session, keys["source"], SourceUpdate(note="public note"), edit=edit)
        for key in (claim, keys["source"], "C-YSESYR2E"):
            note_service.add_note(session, key, f"{NOTE_MARKER} on {key}", edit=edit)
    with session_scope(engine) as session:  # the notes are there to be leaked
        assert [n.text for n in note_queries.notes(session, claim)] == [f"{NOTE_MARKER} on {claim}"]
    engine.dispose()
    return {"claim": claim, "source": keys["source"], "system": keys["system"]}


def _start_paths(keys: dict[str, str]) -> list[str]:
    claim, source, system = keys["claim"], keys["source"], keys["system"]
    paths = [
        "/health", "/v1/meta", "/v1/systems", f"/v1/systems/{system}", f"/v1/systems/{system}/versions/1",
        f"/v1/systems/{system}/timeline", f"/v1/systems/{system}/quantities", "/v1/target-types",
        "/v1/countries/FR", "/v1/claims", f"/v1/claims/{claim}", f"/v1/claims/{claim}/versions",
        f"/v1/claims/{claim}/versions/1", f"/v1/claims/{claim}/versions/2", f"/v1/claims/{claim}/claimreview",
        "/v1/sources", f"/v1/sources/{source}", f"/v1/sources/{source}/versions/2", "/v1/actors",
        "/v1/actors/Test Claimant", "/v1/timeline?system=igla-s", f"/v1/compare?systems={system},igla-s",
        "/v1/search?q=7f3a", "/v1/search?q=note", "/v1/claims?text=note&include=citations",
        "/v1/claims?text=7f3a", "/v1/export?format=jsonl", "/v1/export?format=csv",
        "/v1/claims/C-YSESYR2E", "/v1/claims/C-YSESYR2E/versions",
    ]  # fmt: skip
    for fmt in ("text", "bibtex", "ris", "csl-json"):
        paths += [f"/v1/claims/{claim}/citation?format={fmt}", f"/v1/sources/{source}/citation?format={fmt}",
                  f"/v1/systems/{system}/citation?format={fmt}"]  # fmt: skip
    return paths


def _links(body: object) -> Iterator[str]:
    """Every API address a JSON body points to (`url`, `next`, ...)."""
    if isinstance(body, dict):
        for value in body.values():
            yield from _links(value)
    elif isinstance(body, list):
        for value in body:
            yield from _links(value)
    elif isinstance(body, str) and body.startswith(("http://testserver/", "https://db.example.org/")):
        parts = urlsplit(body)
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(client: TestClient, start: list[str], limit: int = 400) -> dict[str, str]:
    """GET the start paths and every API link found in the answers (breadth first)."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code < 500, (path, response.text)
        seen[path] = "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n\n" + response.text
        if response.headers.get("content-type", "").startswith("application/json"):
            queue.extend(link for link in _links(response.json()) if urlsplit(link).path.startswith("/v1/"))
    return seen


def test_the_api_has_no_route_but_get(dbs: DatabaseFactory) -> None:
    with api(dbs.migrated()) as client:
        routes = client.app.routes  # type: ignore[attr-defined]
    methods = set()
    for route in routes:
        assert not isinstance(route, Mount), route.path
        if isinstance(route, APIRoute | Route):
            methods |= set(route.methods or ())
    assert methods == {"GET", "HEAD"}


def test_every_write_method_on_every_path_is_refused_and_changes_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    keys = _private_entries(url)
    engine = engine_for(url)
    with engine.connect() as connection:
        before = connection.execute(sa.text("SELECT count(*), max(id) FROM revision")).one()
    with api(url) as client:
        for path in _start_paths(keys):
            for method in WRITE_METHODS:
                response = client.request(method, path, json={"note": "x"})
                assert response.status_code == 405, (method, path, response.text)
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["allow"] == "GET, HEAD, OPTIONS"
                assert response.json()["code"] == "method_not_allowed"
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*), max(id) FROM revision")).one() == before
    engine.dispose()


def test_internal_notes_and_private_editors_appear_in_no_response(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    keys = _private_entries(url)
    with api(url, private_editors=True) as client:
        pages = _crawl(client, _start_paths(keys))
        html = {path: client.get(path, headers={"accept": "text/html"}).text for path in _start_paths(keys)}
    assert len(pages) > 60  # the crawl reached versions, citations, exports and followed links
    assert sum("<!doctype html>" in text for text in html.values()) >= 10  # the entry pages too
    assert [path for path, text in html.items() if NOTE_MARKER in text or EDITOR_MARKER in text] == []
    leaks = [path for path, text in pages.items() if NOTE_MARKER in text or EDITOR_MARKER in text]
    assert leaks == []
    versions = _body(pages[f"/v1/claims/{keys['claim']}/versions"])
    assert [v["editor"] for v in versions] == [None, None]
    # a word found only in the notes finds nothing: they are not indexed for search
    assert _body(pages["/v1/claims?text=7f3a"])["items"] == []  # type: ignore[index]
    assert _body(pages["/v1/search?q=7f3a"])["items"] == []  # type: ignore[index]


def test_without_private_editors_the_crawl_does_show_editor_names(dbs: DatabaseFactory) -> None:
    """The other side of the test above: the crawl reaches where editors' names are shown."""
    url = dbs.seeded()
    keys = _private_entries(url)
    with api(url) as client:
        pages = _crawl(client, _start_paths(keys))
    assert [path for path, text in pages.items() if EDITOR_MARKER in text] != []
    assert [path for path, text in pages.items() if NOTE_MARKER in text] == []
    versions = _body(pages[f"/v1/claims/{keys['claim']}/versions"])
    assert [v["editor"] for v in versions] == ["test-editor", EDITOR_MARKER]


def _body(page: str) -> object:
    """The JSON body of a crawled page (after its header lines)."""
    return json.loads(page.split("\n\n", 1)[1])


@pytest.mark.parametrize("error", [RuntimeError(f"{SECRET} in /srv/equipment_db/x.py line 3"),
                                   sa.exc.OperationalError("SELECT secret", {}, Exception(SECRET))])  # fmt: skip
def test_an_unexpected_error_is_a_problem_without_traceback_or_detail(
    dbs: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    url = dbs.seeded()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(claim_routes.claim_prepared, "claim_detail", broken)  # what the claim route reads
    engine = engine_for(url)
    app = create_app(get_settings(url=url), engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/claims/C-YSESYR2E")
    engine.dispose()
    assert response.status_code in (500, 503)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] in ("internal_error", "database_unavailable")
    assert SECRET not in response.text
    assert not re.search(r"Traceback|\.py\b|line \d+|SELECT", response.text), response.text
