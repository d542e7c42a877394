"""The Python client against the real app (TestClient), and against MockTransport for the rest."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from equipment_db.actors.models import ActorPublic
from equipment_db.claims.models import ClaimDetailPublic, ClaimRowPublic
from equipment_db.client import ApiError, Client
from equipment_db.database import session_scope
from equipment_db.history.models import RevisionPublic, RevisionSnapshotPublic
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate, SourcePublic, SourceRowPublic
from equipment_db.status import Health, Meta
from equipment_db.vocab import SourceKind
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for


def _counting(http: TestClient) -> list[str]:
    """The URLs the client asks for, in order."""
    urls: list[str] = []
    http.event_hooks["request"].append(lambda request: urls.append(str(request.url)))
    return urls


def test_claims_follow_next_cursors_through_every_page(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as http:
        everything = [item["id"] for item in http.get("/v1/claims", params={"limit": 500}).json()["items"]]
        urls = _counting(http)
        rows = list(Client(http=http).claims(limit=7))
    assert all(isinstance(row, ClaimRowPublic) for row in rows)
    assert [row.id for row in rows] == everything and len(everything) == 39
    assert len(urls) == 6 and urls[0] == "http://testserver/v1/claims?limit=7"
    assert all("cursor=" in url for url in urls[1:])


def test_filters_pass_through_and_iteration_is_lazy(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as http:
        urls = _counting(http)
        rows = Client(http=http).claims(system="sa-24 grinch", country="Venezuela", kind="transfer", limit=1,
                                        include_deprecated=True, claimant=None)  # fmt: skip
        assert urls == []
        first = next(rows)
        assert len(urls) == 1
        rest = [row.id for row in rows]
    assert urls[0] == ("http://testserver/v1/claims?system=sa-24+grinch&country=Venezuela&kind=transfer&limit=1"
                       "&include_deprecated=true")  # fmt: skip
    assert [first.id, *rest] == ["C-GEPDCDFB", "C-6MP0SGJ6", "C-P9G7JEAH"]
    assert (first.value, first.claimant, first.status) == ("1,800 missiles", "SIPRI", "unverified")


def test_sources_page_through_thirty_synthetic_sources(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with session_scope(engine_for(url), write=True) as session:
        for n in range(1, 31):
            source_service.create_source(session, SourceCreate(
                kind=SourceKind.research_report, title=f"Test Report {n}", url=f"https://example.org/{n}"),
                edit=Edit("test-editor", "test setup"))  # fmt: skip
    with api(url) as http:
        urls = _counting(http)
        rows = list(Client(http=http).sources(text="test report", limit=4))
        pages = len(urls)
        by_url = list(Client(http=http).sources(url="https://EXAMPLE.org/7"))
    assert all(isinstance(row, SourceRowPublic) for row in rows)
    assert [row.title for row in rows] == [f"Test Report {n}" for n in range(1, 31)]
    assert len({row.id for row in rows}) == 30 and pages == 8
    assert [(row.title, row.url) for row in by_url] == [("Test Report 7", "https://example.org/7")]


def test_claim_its_versions_and_its_citation(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as http:
        db = Client(http=http)
        claim = db.claim("c-ysesyr2e")
        versions = db.claim_versions("C-YSESYR2E")
        first = db.claim_version("C-YSESYR2E", 1)
        bibtex = db.cite("C-YSESYR2E", format="bibtex")
        apa = db.cite("C-YSESYR2E", version=1)
    assert isinstance(claim, ClaimDetailPublic)
    assert (claim.id, claim.value_as_worded, claim.claimant) == ("C-YSESYR2E", "at least 5,000 missiles",
                                                                 "Nicolás Maduro")  # fmt: skip
    assert [(c.source, c.role.value) for c in claim.citations] == [("S-PJZ2YVHP", "reports"),
                                                                   ("S-SNXDBGDV", "cited_in")]  # fmt: skip
    assert claim.citations[0].reporting_chain == [{"id": "S-SNXDBGDV", "publisher": "CNN", "title": None,
                                                   "url": None, "archive_url": None}]  # fmt: skip
    assert [type(v) for v in versions] == [RevisionPublic] and versions[0].action.value == "create"
    assert isinstance(first, RevisionSnapshotPublic) and first.snapshot["qualifier"] == "at_least"
    assert bibtex.startswith("@") and "C-YSESYR2E" in bibtex
    assert "Maduro" in apa and "unverified" in apa


def test_source_and_actor_are_typed_with_their_claims(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as http:
        db = Client(http=http)
        anadolu = db.source("s-pjz2yvhp", claims_limit=2)
        maduro = db.actor("nicolás maduro")
        actors = [a.name for a in db.actors(kind="person", limit=1)]
    assert isinstance(anadolu, SourcePublic) and isinstance(maduro, ActorPublic)
    assert [s.publisher for s in anadolu.reporting_chain] == ["Anadolu Agency", "CNN"]
    assert ([c.id for c in anadolu.claims], anadolu.claims_total) == (["C-6RH566YT", "C-S6KYJEGZ"], 10)
    assert (maduro.name, maduro.claims_total, maduro.claims[0].value_as_worded) == (
        "Nicolás Maduro",
        6,
        "at least 5,000 missiles",
    )
    assert actors == ["Nicolás Maduro", "Pete Hegseth", "Tom Laliberty"]


@pytest.mark.parametrize(("call", "status", "code", "parameter"), [
    (lambda db: db.source("S-00000000"), 404, "not_found", "source_id"),
    (lambda db: db.source("not an id"), 400, "invalid_value", "source_id"),
    (lambda db: db.actor("Nobody Known"), 404, "not_found", "name"),
    (lambda db: db.claim("C-00000000"), 404, "not_found", "claim_id"),
    (lambda db: db.claim_version("C-YSESYR2E", 9), 404, "not_found", "version"),
    (lambda db: list(db.claims(cursor="not-a-cursor")), 400, "invalid_value", "cursor"),
    (lambda db: list(db.sources(limit=501)), 422, "invalid_parameter", "limit"),
    (lambda db: list(db.actors(country="Narnia")), 400, "invalid_value", "country"),
])  # fmt: skip
def test_problems_become_api_errors(dbs: DatabaseFactory, call, status: int, code: str,  # type: ignore[no-untyped-def]
                                    parameter: str) -> None:  # fmt: skip
    with api(dbs.seeded()) as http, pytest.raises(ApiError) as caught:
        call(Client(http=http))
    error = caught.value
    assert (error.status, error.code, error.parameter) == (status, code, parameter)
    assert error.detail and str(error).startswith(f"{status} {code}: ")


def test_meta_health_and_export(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as http:
        db = Client(http=http)
        meta, health = db.meta(), db.health()
        lines = list(db.export())
        header = next(iter(db.export("csv")))
    assert isinstance(meta, Meta) and meta.counts["claim"] == 39 and meta.schema_revision == meta.schema_head
    assert isinstance(health, Health) and (health.status, health.database) == ("ok", dbs.name)
    assert json.loads(lines[0])["type"] == "target_type" and len(lines) > 40
    assert header.startswith("id,kind,system,")


def test_system_compare_and_timeline_pass_the_json_through() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"path": request.url.path})

    with Client("https://db.example.org", transport=httpx.MockTransport(handler)) as db:
        answers = [
            db.system("SA-24 Grinch"),
            db.compare("igla-s", "fim-92-stinger"),
            db.timeline("igla-s", "VE"),
            db.compare("igla-s", "fim-92-stinger", include_deprecated=True),
        ]
    assert seen == [
        "https://db.example.org/v1/systems/SA-24%20Grinch",
        "https://db.example.org/v1/compare?systems=igla-s%2Cfim-92-stinger",
        "https://db.example.org/v1/timeline?system=igla-s&country=VE",
        "https://db.example.org/v1/compare?systems=igla-s%2Cfim-92-stinger&include_deprecated=true",
    ]
    assert answers[1] == {"path": "/v1/compare"}


def test_an_error_that_is_not_problem_json_is_still_an_api_error() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(502, text="<html>Bad gateway</html>"))
    with Client("https://db.example.org", transport=transport) as db, pytest.raises(ApiError) as caught:
        db.health()
    assert (caught.value.status, caught.value.code, caught.value.detail, caught.value.parameter) == (
        502,
        "http_error",
        "<html>Bad gateway</html>",
        None,
    )


def test_the_client_closes_only_the_http_client_it_made() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with Client("https://db.example.org", transport=transport, timeout=3) as db:
        assert db.http.timeout == httpx.Timeout(3)
    assert db.http.is_closed
    given = httpx.Client(transport=transport, base_url="https://db.example.org")
    with Client(http=given):
        pass
    assert not given.is_closed
    given.close()
    with pytest.raises(ValueError, match="base_url or http"):
        Client()
