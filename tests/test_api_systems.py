"""The read API for systems, target types and countries: lists, filters, summaries, errors."""

from __future__ import annotations

import pytest

from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import AliasCreate, SystemCreate
from equipment_db.claims import service as claim_service
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.vocab import AliasKind, SystemCategory
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, claim_input, populate

PROBLEM = "application/problem+json"
EDIT = Edit("test-editor", "test setup")


def _slugs(page: dict) -> list[str]:
    return [item["slug"] for item in page["items"]]


def _add_systems(url: str, count: int) -> list[str]:
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        for n in range(1, count + 1):
            catalog_service.create_system(session, SystemCreate(
                slug=f"test-system-{n}", name=f"Test System {n}",
                category=SystemCategory.sam_system if n % 2 else SystemCategory.radar, origin_country="FR",
                aliases=[AliasCreate(name=f"TS-{n} Tester", kind=AliasKind.nato_reporting_name)]), edit=EDIT)  # fmt: skip
    engine.dispose()
    return [f"test-system-{n}" for n in range(1, count + 1)]


def test_listing_systems_pages_to_the_end_with_no_gaps_or_duplicates(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    expected = ["igla-s", "fim-92-stinger", *_add_systems(url, 30)]
    seen, pages = [], 0
    with api(url) as client:
        next_url: str | None = "/v1/systems?limit=7"
        while next_url:
            response = client.get(next_url)
            assert response.status_code == 200, response.text
            seen += _slugs(response.json())
            next_url, pages = response.json()["next"], pages + 1
    assert seen == expected
    assert pages == 5


def test_a_system_row_has_its_aliases_and_address(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/systems", params={"limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [{
        "slug": "igla-s", "name": "9K338 Igla-S", "category": "manpads", "origin_country": "RU",
        "aliases": ["Igla-S", "9K338", "SA-24", "SA-24 Grinch"], "retracted": False,
        "url": "https://db.example.org/v1/systems/igla-s",
    }]  # fmt: skip
    assert body["limit"] == 1
    assert body["next"].startswith("https://db.example.org/v1/systems?limit=1&cursor=")


@pytest.mark.parametrize(("params", "expected"), [
    ({"category": "manpads"}, ["igla-s", "fim-92-stinger"]),
    ({"category": "radar"}, []),
    ({"origin": "United States"}, ["fim-92-stinger"]),
    ({"origin": "ru"}, ["igla-s"]),
    ({"target_type": "uav"}, ["igla-s"]),
    ({"target_type": "Helicopter"}, ["igla-s"]),
    ({"text": "GRINCH"}, ["igla-s"]),
    ({"text": "stinger"}, ["fim-92-stinger"]),
    ({"text": "92"}, ["fim-92-stinger"]),
    ({"text": "%"}, []),
    ({"category": "manpads", "origin": "RU", "text": "9k"}, ["igla-s"]),
])  # fmt: skip
def test_systems_filter_by_category_origin_target_type_and_text(
    dbs: DatabaseFactory, params: dict, expected: list[str]
) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/systems", params=params)
    assert response.status_code == 200, response.text
    assert _slugs(response.json()) == expected


def test_retracted_systems_are_listed_only_on_request(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        catalog_service.retract_system(session, "stinger", edit=Edit("test-editor", "test retraction"))
    engine.dispose()
    with api(url) as client:
        default = client.get("/v1/systems").json()
        everything = client.get("/v1/systems", params={"include_retracted": "true"}).json()
    assert _slugs(default) == ["igla-s"]
    assert _slugs(everything) == ["igla-s", "fim-92-stinger"]
    assert [item["retracted"] for item in everything["items"]] == [False, True]


@pytest.mark.parametrize(("params", "status", "parameter", "value"), [
    ({"origin": "Narnia"}, 400, "origin", "Narnia"),
    ({"target_type": "submarine"}, 404, "target_type", "submarine"),
    ({"category": "spaceship"}, 422, "category", "spaceship"),
    ({"cursor": "not-a-cursor"}, 400, "cursor", "not-a-cursor"),
    ({"limit": 0}, 422, "limit", "0"),
    ({"limit": 501}, 422, "limit", "501"),
])  # fmt: skip
def test_bad_system_list_parameters_are_problems_naming_the_parameter(
    dbs: DatabaseFactory, params: dict, status: int, parameter: str, value: str
) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/systems", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert (response.json()["parameter"], response.json()["value"]) == (parameter, value)


@pytest.mark.parametrize("key", ["SA-24 Grinch", "9K338", "IGLA-S", "igla s", "sa24"])
def test_an_alias_redirects_307_to_the_canonical_slug_keeping_the_query(
    dbs: DatabaseFactory, key: str
) -> None:
    with api(dbs.seeded()) as client:
        response = client.get(f"/v1/systems/{key}", params={"pretty": "1"}, follow_redirects=False)
        followed = client.get(f"/v1/systems/{key}")
    assert response.status_code == 307
    assert response.headers["location"] == "https://db.example.org/v1/systems/igla-s?pretty=1"
    assert followed.status_code == 200
    assert followed.json()["slug"] == "igla-s"


def test_an_unknown_system_is_a_404_problem_naming_the_key(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/systems/no-such-system")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not_found", "title": "Not found", "status": 404,
        "detail": "system not found: 'no-such-system'", "code": "not_found", "parameter": "key",
        "value": "no-such-system", "instance": "/v1/systems/no-such-system",
    }  # fmt: skip


def test_a_system_gives_its_identity_aliases_target_types_and_claim_counts(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/systems/igla-s")
    assert response.status_code == 200, response.text
    body = response.json()
    identity = {k: body[k] for k in ("slug", "name", "category", "origin_country", "manufacturer", "parent",
                                     "wikidata_qid", "description", "version", "retracted_at", "url")}  # fmt: skip
    assert identity == {
        "slug": "igla-s", "name": "9K338 Igla-S", "category": "manpads", "origin_country": "RU",
        "manufacturer": None, "parent": None, "wikidata_qid": None, "description": None, "version": 1,
        "retracted_at": None, "url": "https://db.example.org/v1/systems/igla-s",
    }  # fmt: skip
    assert body["aliases"] == [
        {"name": "Igla-S", "kind": "common_name"},
        {"name": "9K338", "kind": "grau_index"},
        {"name": "SA-24", "kind": "nato_reporting_name"},
        {"name": "SA-24 Grinch", "kind": "nato_reporting_name"},
    ]
    assert body["target_types"] == [
        {"slug": "aircraft", "name": "Aircraft", "claims": ["C-S6KYJEGZ"]},
        {"slug": "cruise-missile", "name": "Cruise missile", "claims": ["C-XKN4GN5Q"]},
        {"slug": "helicopter", "name": "Helicopter", "claims": ["C-44MHY62E"]},
        {"slug": "uav", "name": "UAV / drone", "claims": ["C-NG1SZ3W3"]},
    ]
    assert body["claim_counts"] == {
        "by_kind": {"capability": 4, "comparison": 1, "deployment": 4, "inventory": 2, "specification": 8,
                    "transfer": 3},
        "by_country": {"VE": 9},
    }  # fmt: skip


def test_competing_specification_values_have_no_preferred_value_until_one_is_ranked(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    with api(url) as client:
        before = {
            s["attribute"]: s for s in client.get("/v1/systems/fim-92-stinger").json()["specifications"]
        }
    max_range = before["max_range"]
    assert (max_range["preferred"], max_range["competing"]) == (None, 2)
    assert max_range["values"] == [
        {"claim": "C-1SBQT6X5", "value_low": 8000.0, "value_high": 8000.0, "unit": "m", "original_unit": "km",
         "original_low": "8", "original_high": "8",
         "qualifier": "exact", "value_text": "covering eight kilometers (4.9 miles)", "rank": "normal",
         "preferred": False, "sources": ["The Defense Post"]},
        {"claim": "C-GE33KEEA", "value_low": None, "value_high": 4800.0, "unit": "m", "original_unit": "m",
         "original_low": None, "original_high": "4800",
         "qualifier": "up_to", "value_text": "fino a 4.800 metri di distanza", "rank": "normal",
         "preferred": False, "sources": ["RAI Televideo"]},
    ]  # fmt: skip
    single = before["effective_range"]
    assert (single["competing"], single["preferred"]["claim"], single["preferred"]["preferred"]) == (
        1, "C-4QG316YC", True)  # fmt: skip

    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        ranked = claim_service.create_claim(session, claim_input(
            "S-2N31E2PY", kind="specification", system="stinger", country=None, attribute="max_range",
            value=8, unit="km", qualifier="up_to", value_text="up to 8 km", counted=None, claimant=None,
            stated=None, rank="preferred"), edit=EDIT).public_id  # fmt: skip
    engine.dispose()
    with api(url) as client:
        after = {s["attribute"]: s for s in client.get("/v1/systems/fim-92-stinger").json()["specifications"]}
    assert after["max_range"]["competing"] == 3
    assert after["max_range"]["preferred"]["claim"] == ranked
    assert [(v["claim"], v["preferred"]) for v in after["max_range"]["values"]] == [
        (ranked, True), ("C-1SBQT6X5", False), ("C-GE33KEEA", False)]  # fmt: skip


def test_target_types_count_their_capability_claims(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/target-types")
    assert response.status_code == 200
    assert response.json() == {"items": [
        {"slug": "aircraft", "name": "Aircraft",
         "description": "Fixed-wing aircraft (sources say \"low-flying aircraft\").", "capability_claims": 1},
        {"slug": "helicopter", "name": "Helicopter", "description": None, "capability_claims": 1},
        {"slug": "uav", "name": "UAV / drone", "description": None, "capability_claims": 1},
        {"slug": "cruise-missile", "name": "Cruise missile", "description": None, "capability_claims": 1},
    ], "limit": 50, "next": None}  # fmt: skip


def test_target_types_page_with_a_cursor(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        first = client.get("/v1/target-types", params={"limit": 3}).json()
        second = client.get(first["next"]).json()
    assert [t["slug"] for t in first["items"]] == ["aircraft", "helicopter", "uav"]
    assert ([t["slug"] for t in second["items"]], second["next"]) == (["cruise-missile"], None)


@pytest.mark.parametrize("code", ["VE", "ve", "Venezuela"])
def test_a_country_by_code_or_name_gives_claim_counts_and_systems(dbs: DatabaseFactory, code: str) -> None:
    with api(dbs.seeded()) as client:
        response = client.get(f"/v1/countries/{code}")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "code": "VE", "name": "Venezuela",
        "claims_as_subject": {"deployment": 5, "inventory": 2, "transfer": 3},
        "claims_as_counterparty": {},
        "systems": [{"slug": "igla-s", "name": "9K338 Igla-S", "quantity_claims": 9,
                     "url": "https://db.example.org/v1/systems/igla-s"}],
    }  # fmt: skip


def test_a_supplier_country_counts_its_claims_as_counterparty(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        body = client.get("/v1/countries/Russia").json()
    assert (body["code"], body["claims_as_subject"], body["claims_as_counterparty"], body["systems"]) == (
        "RU", {}, {"transfer": 3}, [])  # fmt: skip


def test_an_unknown_country_is_a_404_problem(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/countries/Narnia")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "/problems/not_found", "title": "Not found", "status": 404,
        "detail": "country not found: 'Narnia'", "code": "not_found", "parameter": "code", "value": "Narnia",
        "instance": "/v1/countries/Narnia",
    }  # fmt: skip


def test_a_system_page_shows_a_few_values_per_attribute_and_counts_them_all(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    engine = engine_for(url)
    keys = populate(engine)
    spec = {"kind": "specification", "attribute": "max_range", "qualifier": "up_to", "unit": "km",
            "counted": None, "country": None, "value_text": None}  # fmt: skip
    claims = [add_claim(engine, keys["source"], value=n + 1, **spec) for n in range(8)]
    for n in range(3):
        add_claim(engine, keys["source"], country="DE" if n else "FR")
    with api(url) as client:
        page = client.get("/v1/systems/test-system-1").json()
        listed = client.get("/v1/claims", params={"system": "test-system-1", "kind": "specification",
                                                  "attribute": "max_range"}).json()  # fmt: skip
    engine.dispose()
    (max_range,) = page["specifications"]
    assert (max_range["competing"], max_range["preferred"]) == (8, None)
    assert [v["claim"] for v in max_range["values"]] == claims[:5]
    assert [item["id"] for item in listed["items"]] == claims
    assert page["claim_counts"] == {"by_kind": {"inventory": 3, "specification": 8},
                                    "by_country": {"DE": 2, "FR": 1}}  # fmt: skip
