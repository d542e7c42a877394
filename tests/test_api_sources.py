"""The read API for sources and actors: lists, filters, detail with chains and claims, errors."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from equipment_db.actors import service as actor_service
from equipment_db.actors.models import ActorCreate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import ActorKind, SourceKind
from tests.api_client import api, statements
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

PROBLEM = "application/problem+json"
EDIT = Edit("test-editor", "test setup")
ANADOLU_CLAIMS = [
    ("C-6RH566YT", "specification"), ("C-S6KYJEGZ", "capability"), ("C-NG1SZ3W3", "capability"),
    ("C-44MHY62E", "capability"), ("C-HMXXXQ24", "comparison"), ("C-YSESYR2E", "deployment"),
    ("C-MC5MGQVX", "deployment"), ("C-AMG9N2YM", "use"), ("C-KE2NS1R3", "deployment"),
    ("C-MJA2H8R0", "deployment"),
]  # fmt: skip


def _ids(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


def _add_sources(url: str, count: int) -> None:
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        for n in range(1, count + 1):
            source_service.create_source(session, SourceCreate(
                kind=SourceKind.research_report, title=f"Test Report {n}", publisher="Example Press",
                url=f"https://example.org/{n}", language="en"), edit=EDIT)  # fmt: skip
    engine.dispose()


def test_anadolu_source_shows_its_chain_to_cnn_and_the_claims_it_carries(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/sources/s-pjz2yvhp")
    assert response.status_code == 200, response.text
    source = response.json()
    assert (source["id"], source["kind"], source["publisher"], source["published"], source["cites"]) == (
        "S-PJZ2YVHP",
        "news_article",
        "Anadolu Agency",
        "2025-10-23",
        "S-SNXDBGDV",
    )
    assert source["authors"] == ["Busra Nur Cakmak"] and source["version"] == 1
    assert [(s["id"], s["publisher"]) for s in source["reporting_chain"]] == [
        ("S-PJZ2YVHP", "Anadolu Agency"),
        ("S-SNXDBGDV", "CNN"),
    ]
    assert source["reporting_chain"][1] == {
        "id": "S-SNXDBGDV",
        "publisher": "CNN",
        "title": None,
        "url": None,
        "archive_url": None,
    }
    assert [(c["id"], c["kind"]) for c in source["claims"]] == ANADOLU_CLAIMS
    assert source["claims_total"] == 10
    maduro = next(c for c in source["claims"] if c["id"] == "C-YSESYR2E")
    assert (maduro["value_as_worded"], maduro["role"], maduro["locator"]) == (
        "at least 5,000 missiles",
        "reports",
        None,
    )
    assert maduro["quote"].startswith("“Any military force in the world knows the power of the Igla-S")
    assert maduro["api_url"] == "https://db.example.org/v1/claims/C-YSESYR2E"
    assert source["api_url"] == "https://db.example.org/v1/sources/S-PJZ2YVHP"
    assert source["claims_url"] == "https://db.example.org/v1/claims?source=S-PJZ2YVHP&include_deprecated=true"


def test_cnn_is_known_only_through_anadolu_and_is_cited_in_maduros_claim(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        cnn = client.get("/v1/sources/SSNXDBGDV").json()
        listed = client.get(cnn["claims_url"]).json()
    assert cnn["reporting_chain"] == [
        {"id": "S-SNXDBGDV", "publisher": "CNN", "title": None, "url": None, "archive_url": None}
    ]
    assert cnn["claims"] == [{"id": "C-YSESYR2E", "kind": "deployment", "value_as_worded": "at least 5,000 missiles",
                              "role": "cited_in", "locator": None,
                              "quote": "Independent verification of Maduro’s missile claim was not available, CNN reported.",
                              "api_url": "https://db.example.org/v1/claims/C-YSESYR2E"}]  # fmt: skip
    assert _ids(listed) == ["C-YSESYR2E"]


def test_claims_limit_cuts_the_list_but_not_the_total(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        source = client.get("/v1/sources/S-PJZ2YVHP", params={"claims_limit": 3}).json()
        none = client.get("/v1/sources/S-PJZ2YVHP", params={"claims_limit": 0}).json()
    assert [c["id"] for c in source["claims"]] == [i for i, _ in ANADOLU_CLAIMS[:3]]
    assert (source["claims_total"], none["claims"], none["claims_total"]) == (10, [], 10)


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "other"}, ["S-SNXDBGDV", "S-D9P7A6MJ"]),
    ({"publisher": "SPUTNIK"}, ["S-72EN7PHJ", "S-XRJZ0AG7"]),
    ({"language": "IT"}, ["S-DJFCAQEB", "S-A2122NP5"]),
    ({"text": "igla"}, ["S-42AXA5E3"]),
    ({"text": "venezuela", "language": "en"}, ["S-PJZ2YVHP", "S-42AXA5E3", "S-XRJZ0AG7", "S-5ZNDAYN3"]),
    ({"url": "HTTPS://DefensiveLines.com:443/?p=4182#top"}, ["S-42AXA5E3"]),
    ({"url": "https://example.org/not-here"}, []),
    ({"publisher": "%"}, []),
])  # fmt: skip
def test_sources_filter_by_kind_publisher_language_text_and_url(dbs: DatabaseFactory, params: dict,
                                                                expected: list[str]) -> None:  # fmt: skip
    with api(dbs.seeded()) as client:
        response = client.get("/v1/sources", params=params)
    assert response.status_code == 200, response.text
    assert _ids(response.json()) == expected


def test_a_source_row_names_what_it_cites_and_its_address(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        page = client.get("/v1/sources", params={"limit": 2}).json()
    assert page["items"][1] == {
        "id": "S-PJZ2YVHP", "kind": "news_article",
        "title": "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs military action",
        "publisher": "Anadolu Agency", "published": "2025-10-23", "url": None, "language": "en",
        "cites": "S-SNXDBGDV", "retracted": False, "api_url": "https://db.example.org/v1/sources/S-PJZ2YVHP",
    }  # fmt: skip
    assert page["limit"] == 2 and page["next"].startswith("https://db.example.org/v1/sources?limit=2&cursor=")


def test_paging_sources_to_the_end_has_no_gaps_or_duplicates(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _add_sources(url, 30)
    engine = engine_for(url)
    with session_scope(engine) as session:
        expected = [r[0] for r in session.execute(sa.text("SELECT public_id FROM source ORDER BY id"))]
    engine.dispose()
    seen, pages = [], 0
    with api(url) as client:
        next_url = "/v1/sources?limit=7"
        while next_url:
            page = client.get(next_url).json()
            seen += _ids(page)
            next_url, pages = page["next"], pages + 1
        filtered = client.get("/v1/sources", params={"text": "test report", "limit": 500}).json()
    assert seen == expected and len(seen) == 48 and pages == 7
    assert [i["title"] for i in filtered["items"]] == [f"Test Report {n}" for n in range(1, 31)]


def test_retracted_sources_are_listed_only_when_asked(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with session_scope(engine_for(url), write=True) as session:
        source_service.retract_source(session, "S-72EN7PHJ", edit=Edit("test-editor", "test retraction"))
    with api(url) as client:
        hidden = client.get("/v1/sources", params={"publisher": "sputnik"}).json()
        shown = client.get("/v1/sources", params={"publisher": "sputnik", "include_retracted": True}).json()
        detail = client.get("/v1/sources/S-72EN7PHJ").json()
    assert _ids(hidden) == ["S-XRJZ0AG7"]
    assert [(i["id"], i["retracted"]) for i in shown["items"]] == [
        ("S-72EN7PHJ", True),
        ("S-XRJZ0AG7", False),
    ]
    assert (detail["version"], detail["retraction_reason"]) == (2, "test retraction")


def test_actor_by_name_in_any_case_shows_the_claims_they_made(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/actors/NICOL%C3%81S%20MADURO")
        sipri = client.get("/v1/actors/sipri").json()
    assert response.status_code == 200, response.text
    maduro = response.json()
    assert (maduro["name"], maduro["kind"], maduro["country"], maduro["role"]) == (
        "Nicolás Maduro",
        "person",
        "VE",
        "President of Venezuela",
    )
    assert [(c["id"], c["stated"]) for c in maduro["claims"]] == [
        ("C-YSESYR2E", "2025-10-22"), ("C-3B9KZ769", None), ("C-ZT1JFKMP", "2025-10-22"),
        ("C-QGQNTTSX", "2025-10-22"), ("C-NMEBRWCC", "2025-10-23"), ("C-MC5MGQVX", None)]  # fmt: skip
    assert maduro["claims"][0] == {"id": "C-YSESYR2E", "kind": "deployment", "value_as_worded": "at least 5,000 missiles",
                                   "stated": "2025-10-22", "status": "unverified",
                                   "api_url": "https://db.example.org/v1/claims/C-YSESYR2E"}  # fmt: skip
    assert maduro["claims_total"] == 6
    assert maduro["api_url"] == "https://db.example.org/v1/actors/Nicol%C3%A1s%20Maduro"
    assert (
        maduro["claims_url"]
        == "https://db.example.org/v1/claims?claimant=Nicol%C3%A1s+Maduro&include_deprecated=true"
    )
    assert [(c["id"], c["kind"], c["value_as_worded"]) for c in sipri["claims"]] == [
        ("C-GEPDCDFB", "transfer", "1,800 missiles"), ("C-6MP0SGJ6", "transfer", "about 200 missiles"),
        ("C-P9G7JEAH", "transfer", "2,000 missiles")]  # fmt: skip


def test_an_actor_whose_name_holds_a_slash_is_reachable_at_its_own_address(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    with session_scope(engine_for(url), write=True) as session:
        actor_service.create_actor(session, ActorCreate(name="Test Press / Wire", kind=ActorKind.media_outlet),
                                   edit=EDIT)  # fmt: skip
    with api(url) as client:
        row = client.get("/v1/actors").json()["items"][0]
        actor = client.get(row["api_url"])
    assert row["api_url"] == "https://db.example.org/v1/actors/Test%20Press%20%2F%20Wire"
    assert (actor.status_code, actor.json()["name"], actor.json()["claims"]) == (200, "Test Press / Wire", [])


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["Nicolás Maduro", "Pete Hegseth", "Anadolu Agency", "Tom Laliberty", "SIPRI", "Venezuelan military"]),
    ({"kind": "person"}, ["Nicolás Maduro", "Pete Hegseth", "Tom Laliberty"]),
    ({"country": "Venezuela"}, ["Nicolás Maduro", "Venezuelan military"]),
    ({"country": "us", "kind": "person"}, ["Pete Hegseth"]),
    ({"kind": "manufacturer"}, []),
])  # fmt: skip
def test_actors_filter_by_kind_and_country(dbs: DatabaseFactory, params: dict, expected: list[str]) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/actors", params=params)
    assert response.status_code == 200, response.text
    assert [item["name"] for item in response.json()["items"]] == expected


def test_paging_actors_to_the_end_has_no_gaps_or_duplicates(dbs: DatabaseFactory) -> None:
    names, pages = [], 0
    with api(dbs.seeded()) as client:
        next_url = "/v1/actors?limit=4"
        while next_url:
            page = client.get(next_url).json()
            names += [item["name"] for item in page["items"]]
            next_url, pages = page["next"], pages + 1
    assert (len(names), len(set(names)), pages) == (6, 6, 2)


@pytest.mark.parametrize(("path", "params", "status", "parameter"), [
    ("/v1/sources/S-00000000", {}, 404, "source_id"),
    ("/v1/sources/not-an-id", {}, 400, "source_id"),
    ("/v1/sources/C-YSESYR2E", {}, 400, "source_id"),
    ("/v1/sources/S-PJZ2YVHP", {"claims_limit": 501}, 422, "claims_limit"),
    ("/v1/sources", {"cursor": "not-a-cursor"}, 400, "cursor"),
    ("/v1/sources", {"cursor": "eyJhZnRlciI6IC0xfQ"}, 400, "cursor"),  # {"after": -1}: forged
    ("/v1/sources", {"limit": 501}, 422, "limit"),
    ("/v1/sources", {"limit": 0}, 422, "limit"),
    ("/v1/sources", {"kind": "rumour"}, 422, "kind"),
    ("/v1/sources", {"url": "ftp://example.org/x"}, 400, "url"),
    ("/v1/sources", {"text": "x" * 201}, 422, "text"),
    ("/v1/actors/Nobody%20Known", {}, 404, "name"),
    ("/v1/actors", {"cursor": "not-a-cursor"}, 400, "cursor"),
    ("/v1/actors", {"limit": 501}, 422, "limit"),
    ("/v1/actors", {"country": "Narnia"}, 400, "country"),
    ("/v1/actors", {"kind": "ghost"}, 422, "kind"),
])  # fmt: skip
def test_bad_requests_are_problems_naming_the_parameter(dbs: DatabaseFactory, path: str, params: dict, status: int,
                                                        parameter: str) -> None:  # fmt: skip
    with api(dbs.seeded()) as client:
        response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["parameter"], body["instance"]) == (
        status,
        parameter,
        path.replace("%20", " "),
    )
    assert body["type"] == f"/problems/{body['code']}" and body["detail"]


def test_unknown_source_problem_says_what_was_not_found(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        body = client.get("/v1/sources/s-00000000").json()
    assert body == {"type": "/problems/not_found", "title": "Not found", "status": 404,
                    "detail": "source not found: 's-00000000'", "code": "not_found", "parameter": "source_id",
                    "value": "s-00000000", "instance": "/v1/sources/s-00000000"}  # fmt: skip


def test_statements_per_request_do_not_grow_with_claims_or_rows(dbs: DatabaseFactory) -> None:
    """No N+1: a source or an actor with 30 claims, or a page of 30 sources, costs what a smaller one does."""
    url = dbs.migrated()
    engine = engine_for(url)
    keys = populate(engine)
    add_claim(engine, keys["source"])
    paths = (f"/v1/sources/{keys['source']}", "/v1/actors/Test%20Claimant", "/v1/sources?limit=30",
             "/v1/actors?limit=30")  # fmt: skip
    small = [statements(url, p) for p in paths]
    for n in range(29):
        add_claim(engine, keys["source"], stated=f"2024-{n % 12 + 1:02d}")
    _add_sources(url, 29)
    large = [statements(url, p) for p in paths]
    engine.dispose()
    assert large == small


def test_source_and_actor_routes_are_documented(dbs: DatabaseFactory) -> None:
    with api(dbs.migrated()) as client:
        paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/sources", "/v1/sources/{source_id}", "/v1/actors", "/v1/actors/{name}"):
        assert list(paths[path]) == ["get"] and paths[path]["get"]["summary"], path
    assert paths["/v1/sources/{source_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SourcePublic"}  # fmt: skip
