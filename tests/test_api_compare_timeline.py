"""The read API for comparing systems and for quantity timelines, and its statement budget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from equipment_db.api.app import create_app
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate, ClaimUpdate
from equipment_db.config import get_settings
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.vocab import LinkKind, Rank
from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import claim_input

PROBLEM = "application/problem+json"
EDIT = Edit("test-editor", "test setup")
SIPRI = "S-MTQMFYXQ"
REUTERS = "S-5ZNDAYN3"
MADURO_RELAYS = ["C-YSESYR2E", "C-ZT1JFKMP", "C-QGQNTTSX", "C-3B9KZ769", "C-NMEBRWCC"]


def _add(url: str, *claims: dict[str, Any]) -> list[str]:
    """Synthetic claims through the claim service; each dict overrides an Igla-S/VE quantity claim."""
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        ids = [claim_service.create_claim(session, claim_input(**({
            "source": SIPRI, "system": "igla-s", "country": "VE", "claimant": None, "stated": None,
            "value_text": None} | fields)), edit=EDIT).public_id for fields in claims]  # fmt: skip
    engine.dispose()
    return ids


def _values(row: dict) -> dict[str, list[tuple]]:
    return {system: [(v["claim"], v["value_low"], v["value_high"], v["unit"], v["qualifier"], v["value_text"],
                      v["sources"], v["preferred"]) for v in values]
            for system, values in row["systems"].items()}  # fmt: skip


def test_comparing_igla_s_and_stinger_keeps_every_max_range_with_its_sources(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/compare", params={"systems": "igla-s,stinger"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["systems"] == [
        {"slug": "igla-s", "name": "9K338 Igla-S", "url": "https://db.example.org/v1/systems/igla-s"},
        {
            "slug": "fim-92-stinger",
            "name": "FIM-92 Stinger",
            "url": "https://db.example.org/v1/systems/fim-92-stinger",
        },
    ]
    rows = {row["attribute"]: row for row in body["attributes"]}
    assert list(rows)[:4] == ["max_range", "min_range", "effective_range", "max_altitude"]
    assert _values(rows["max_range"]) == {
        "igla-s": [
            ("C-FHB0D92J", 6000.0, 6000.0, "m", "exact", "between 500 meters and 6 kilometers away",
             ["defensivelines.com"], False),
            ("C-6RH566YT", None, 6000.0, "m", "up_to", "up to 6 kilometers (3.7 miles)", ["Anadolu Agency"], False),
        ],
        "fim-92-stinger": [
            ("C-1SBQT6X5", 8000.0, 8000.0, "m", "exact", "covering eight kilometers (4.9 miles)",
             ["The Defense Post"], False),
            ("C-GE33KEEA", None, 4800.0, "m", "up_to", "fino a 4.800 metri di distanza", ["RAI Televideo"], False),
        ],
    }  # fmt: skip
    stinger_4800 = rows["max_range"]["systems"]["fim-92-stinger"][1]
    assert (stinger_4800["original_unit"], stinger_4800["rank"]) == ("m", "normal")
    assert _values(rows["effective_range"]) == {
        "igla-s": [("C-BKYSKCD1", None, 6000.0, "m", "up_to", "hasta 6.000 metros", ["noticiashoy.co"], True)],
        "fim-92-stinger": [("C-4QG316YC", 8000.0, 8000.0, "m", "exact",
                            "an effective firing range of 5 miles (8 km)", ["Sputnik"], True)],
    }  # fmt: skip
    assert rows["min_altitude"]["systems"]["igla-s"] == []


def test_compare_gives_a_target_type_matrix_and_the_sources_comparisons(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        body = client.get("/v1/compare", params={"systems": "FIM-92, SA-24 Grinch"}).json()
    assert [s["slug"] for s in body["systems"]] == ["fim-92-stinger", "igla-s"]
    assert body["target_types"] == {
        "aircraft": {"fim-92-stinger": [], "igla-s": ["C-S6KYJEGZ"]},
        "cruise-missile": {"fim-92-stinger": [], "igla-s": ["C-XKN4GN5Q"]},
        "helicopter": {"fim-92-stinger": [], "igla-s": ["C-44MHY62E"]},
        "uav": {"fim-92-stinger": [], "igla-s": ["C-NG1SZ3W3"]},
    }
    assert body["comparisons"] == [{
        "claim": "C-HMXXXQ24", "system": "igla-s", "related_system": "fim-92-stinger",
        "value_text": "comparable to the US Stinger missile", "sources": ["Anadolu Agency"],
    }]  # fmt: skip


def test_compare_marks_the_value_ranked_preferred(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, "C-1SBQT6X5", ClaimUpdate(rank=Rank.preferred),
                                   edit=Edit("test-editor", "the newer FIM-92 figure"))  # fmt: skip
    engine.dispose()
    with api(url) as client:
        body = client.get("/v1/compare", params={"systems": "igla-s,fim-92-stinger"}).json()
    stinger = body["attributes"][0]["systems"]["fim-92-stinger"]
    assert [(v["claim"], v["rank"], v["preferred"]) for v in stinger] == [
        ("C-1SBQT6X5", "preferred", True), ("C-GE33KEEA", "normal", False)]  # fmt: skip


def test_compare_also_takes_the_system_parameter_repeated(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        repeated = client.get("/v1/compare", params=[("system", "igla-s"), ("system", "stinger")])
        joined = client.get("/v1/compare", params={"systems": "igla-s,stinger"})
    assert repeated.status_code == 200
    assert repeated.json() == joined.json()


@pytest.mark.parametrize(("params", "status", "code", "parameter", "value", "detail"), [
    ({"systems": "igla-s"}, 400, "invalid_value", "systems", "igla-s",
     "systems: 'igla-s' names 1 system: compare 2 to 10"),
    ({"systems": ",".join(["igla-s"] * 11)}, 400, "invalid_value", "systems", ",".join(["igla-s"] * 11),
     f"systems: {','.join(['igla-s'] * 11)!r} names 11 systems: compare 2 to 10"),
    ({"systems": "igla-s,no-such-system"}, 404, "not_found", "systems", "no-such-system",
     "system not found: 'no-such-system'"),
    ({"systems": "igla-s,SA-24"}, 400, "invalid_value", "systems", "SA-24",
     "systems: 'SA-24' names igla-s a second time"),
    ({"systems": " , "}, 422, "missing_value", "systems", None,
     "systems: required to compare: 2 to 10 systems, comma-separated"),
    ({}, 422, "missing_value", "systems", None, "systems: required to compare: 2 to 10 systems, comma-separated"),
    ([("system", "igla-s")], 400, "invalid_value", "system", "igla-s",
     "system: 'igla-s' names 1 system: compare 2 to 10"),
])  # fmt: skip
def test_compare_needs_2_to_10_known_distinct_systems(
    dbs: DatabaseFactory, params: Any, status: int, code: str, parameter: str, value: str | None, detail: str
) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/compare", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert (body["code"], body["parameter"], body["value"], body["detail"]) == (
        code,
        parameter,
        value,
        detail,
    )


def _timeline(client: TestClient, **params: str) -> dict:
    response = client.get("/v1/timeline", params={"system": "igla-s", "country": "VE"} | params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_igla_s_venezuela_timeline_runs_from_2009_deliveries_to_the_2025_claims(
    dbs: DatabaseFactory,
) -> None:
    with api(dbs.seeded()) as client:
        body = _timeline(client)
    assert body["system"] == {
        "slug": "igla-s",
        "name": "9K338 Igla-S",
        "url": "https://db.example.org/v1/systems/igla-s",
    }
    assert body["country"] == "VE"
    rows = [(e["claim"], e["kind"], e["date"], e["date_basis"], e["value_low"], e["value_high"], e["qualifier"],
             e["counted"], e["scope"], e["claimant"]) for e in body["entries"]]  # fmt: skip
    assert rows == [
        ("C-GEPDCDFB", "transfer", "2009", "about", 1800.0, 1800.0, "exact", "missiles", "delivered", "SIPRI"),
        ("C-6MP0SGJ6", "transfer", "2010", "about", 200.0, 200.0, "approximately", "missiles", "delivered", "SIPRI"),
        ("C-P9G7JEAH", "transfer", "2012", "about", 2000.0, 2000.0, "exact", "missiles", "delivered", "SIPRI"),
        ("C-RZ15HDBW", "inventory", "2017-05-22", "published", 5000.0, 5000.0, "exact", "missiles", "inventory",
         "Venezuelan military"),
        ("C-YSESYR2E", "deployment", "2025-10-22", "stated", 5000.0, None, "at_least", "missiles", "deployed",
         "Nicolás Maduro"),
        ("C-ZT1JFKMP", "deployment", "2025-10-22", "stated", 5000.0, None, "at_least", "missiles", "deployed",
         "Nicolás Maduro"),
        ("C-QGQNTTSX", "inventory", "2025-10-22", "stated", 5000.0, None, "at_least", "missiles", "inventory",
         "Nicolás Maduro"),
        ("C-3B9KZ769", "deployment", "2025-10-23", "published", 5000.0, None, "at_least", "missiles", "deployed",
         "Nicolás Maduro"),
        ("C-NMEBRWCC", "deployment", "2025-10-23", "stated", 5000.0, None, "at_least", "missiles", "deployed",
         "Nicolás Maduro"),
    ]  # fmt: skip
    reuters = body["entries"][3]
    assert (reuters["value_text"], reuters["verification_status"]) == ("a stockpile of 5,000", "corroborated")
    assert reuters["sources"] == [{"id": REUTERS, "publisher": "Reuters", "published": "2017-05-22"}]
    assert body["entries"][4]["sources"] == [
        {"id": "S-PJZ2YVHP", "publisher": "Anadolu Agency", "published": "2025-10-23"},
        {"id": "S-SNXDBGDV", "publisher": "CNN", "published": None},
    ]


def test_the_maduro_relays_form_one_same_as_group(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        entries = _timeline(client)["entries"]
    groups = {e["claim"]: (e["same_as_group"], e["same_as"]) for e in entries}
    assert {claim: groups[claim] for claim in MADURO_RELAYS} == {
        claim: ("C-YSESYR2E", [other for other in ["C-YSESYR2E", "C-ZT1JFKMP", "C-QGQNTTSX", "C-3B9KZ769",
                                                  "C-NMEBRWCC"] if other != claim])
        for claim in MADURO_RELAYS
    }  # fmt: skip
    assert groups["C-RZ15HDBW"] == (None, [])


def test_sipri_deliveries_in_different_years_are_not_contradictions(dbs: DatabaseFactory) -> None:
    """1,800 (2009), ~200 (2010) and 2,000 (2012) delivered add up; the Reuters stock (2017) and
    Maduro's "no less than 5,000" (2025) are years apart: the seed timeline flags nothing."""
    with api(dbs.seeded()) as client:
        assert _timeline(client)["contradictions"] == []


def test_incompatible_numbers_on_the_same_basis_and_time_are_flagged(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    fewer, at_most = _add(
        url,
        {"kind": "transfer", "counterparty_country": "RU", "value": 1000, "qualifier": "exact",
         "counted": "missiles", "scope": "delivered", "about": "2009"},
        {"kind": "inventory", "value": 3000, "qualifier": "at_most", "counted": "missiles", "about": "2017",
         "source": REUTERS},
    )  # fmt: skip
    with api(url) as client:
        body = _timeline(client)
    assert [(c["claims"], c["counted"], c["scope"], c["rule"], c["by"]) for c in body["contradictions"]] == [
        (["C-GEPDCDFB", fewer], "missiles", "delivered", "equal_periods", "checker"),
        (["C-RZ15HDBW", at_most], "missiles", "inventory", "stocks_disjoint", "checker"),  # by the end of the period
    ]  # fmt: skip
    first, second = (c["sentence"] for c in body["contradictions"])
    assert first == (f"C-GEPDCDFB: 1,800 missiles, delivered, 2009 (SIPRI, via SIPRI) and {fewer}: 1,000 missiles, "
                     "delivered, 2009 (via SIPRI) count the same period: 1,800 and 1,000 do not meet.")  # fmt: skip
    assert second.startswith("C-RZ15HDBW: 5,000 missiles")
    assert f"{at_most}: at most 3,000 missiles, inventory, 2017" in second
    assert second.endswith("5,000 and 0-3,000 do not meet.")


def test_compatible_or_differently_based_numbers_are_not_flagged(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _add(
        url,
        # about 1,900 in 2009: within 10% of SIPRI's 1,800
        {"kind": "transfer", "counterparty_country": "RU", "value": 1900, "qualifier": "approximately",
         "counted": "missiles", "scope": "delivered", "about": "2009"},
        # a total over 2009-2012 overlaps the yearly deliveries but does not compete with them
        {"kind": "transfer", "counterparty_country": "RU", "value": 4000, "qualifier": "exact",
         "counted": "missiles", "scope": "delivered", "about": "2009/2012"},
        # launchers are not missiles
        {"kind": "transfer", "counterparty_country": "RU", "value": 10, "qualifier": "exact",
         "counted": "launchers", "scope": "delivered", "about": "2009"},
        # a range that includes the Reuters 5,000
        {"kind": "inventory", "value": None, "value_low": 4000, "value_high": 6000, "qualifier": "range",
         "counted": "missiles", "about": "2017", "source": REUTERS},
        # no number at all
        {"kind": "inventory", "value": None, "qualifier": "unspecified", "value_text": "thousands", "counted": "missiles",
         "about": "2017", "source": REUTERS},
        # an inventory of 100 in 2016 does not overlap 2017
        {"kind": "inventory", "value": 100, "qualifier": "exact", "counted": "missiles", "about": "2016"},
    )  # fmt: skip
    with api(url) as client:
        body = _timeline(client)
    assert len(body["entries"]) == 15
    assert body["contradictions"] == []


def test_the_timeline_hides_deprecated_and_retracted_claims_unless_asked(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, "C-6MP0SGJ6", ClaimUpdate(rank=Rank.deprecated),
                                   edit=Edit("test-editor", "an estimate"))  # fmt: skip
        claim_service.retract_claim(session, "C-P9G7JEAH", edit=Edit("test-editor", "test retraction"))
    engine.dispose()
    with api(url) as client:
        default = [e["claim"] for e in _timeline(client)["entries"]][:3]
        deprecated = [e["claim"] for e in _timeline(client, include_deprecated="true")["entries"]][:3]
        everything = [e["claim"] for e in _timeline(client, include_deprecated="true",
                                                    include_retracted="true")["entries"]][:4]  # fmt: skip
    assert default == ["C-GEPDCDFB", "C-RZ15HDBW", "C-YSESYR2E"]
    assert deprecated == ["C-GEPDCDFB", "C-6MP0SGJ6", "C-RZ15HDBW"]
    assert everything == ["C-GEPDCDFB", "C-6MP0SGJ6", "C-P9G7JEAH", "C-RZ15HDBW"]


def test_the_timeline_is_also_under_the_system_by_alias(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        nested = client.get("/v1/systems/SA-24/timeline", params={"country": "Venezuela"})
        flat = client.get("/v1/timeline", params={"system": "igla-s", "country": "VE"})
    assert nested.status_code == 200
    assert nested.json() == flat.json()


@pytest.mark.parametrize(("params", "status", "parameter", "value"), [
    ({"system": "no-such-system", "country": "VE"}, 404, "system", "no-such-system"),
    ({"system": "igla-s", "country": "Narnia"}, 400, "country", "Narnia"),
    ({"system": "igla-s"}, 422, "country", None),
    ({"country": "VE"}, 422, "system", None),
    ({"system": "igla-s", "country": "VE", "include_retracted": "maybe"}, 422, "include_retracted", "maybe"),
])  # fmt: skip
def test_bad_timeline_parameters_are_problems_naming_the_parameter(
    dbs: DatabaseFactory, params: dict, status: int, parameter: str, value: str | None
) -> None:
    with api(dbs.seeded()) as client:
        response = client.get("/v1/timeline", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert (response.json()["parameter"], response.json()["value"]) == (parameter, value)


@contextmanager
def _counting(url: str) -> Iterator[tuple[TestClient, list[str]]]:
    """A client whose engine records every SQL statement it sends."""
    engine = engine_for(url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda conn, cursor, sql, *args: statements.append(sql))
    app = create_app(get_settings(url=url, public_url="https://db.example.org"), engine)
    try:
        with TestClient(app) as client:
            yield client, statements
    finally:
        engine.dispose()


def _statements_per_request(url: str, paths: list[str]) -> dict[str, int]:
    counts = {}
    with _counting(url) as (client, statements):
        client.get("/health")  # the pool's first connection
        for path in paths:
            statements.clear()
            response = client.get(path)
            assert response.status_code == 200, response.text
            counts[path] = len(statements)
    return counts


def test_statements_per_request_do_not_grow_with_the_number_of_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    paths = ["/v1/systems/igla-s", "/v1/compare?systems=igla-s,stinger",
             "/v1/timeline?system=igla-s&country=VE", "/v1/systems?limit=50", "/v1/countries/VE",
             "/v1/target-types"]  # fmt: skip
    before = _statements_per_request(url, paths)
    spec = {"kind": "specification", "country": None, "counted": None, "qualifier": "exact", "unit": "km"}
    added = _add(
        url,
        *({**spec, "attribute": "max_range", "value": 5 + n, "source": "S-9F9P1NRG"} for n in range(4)),
        *({**spec, "system": "stinger", "attribute": "min_range", "value": n, "source": "S-2N31E2PY"}
          for n in range(1, 4)),
        *({"kind": "capability", "country": None, "counted": None, "qualifier": None, "value": None,
           "target_type": target, "value_text": "drones", "source": "S-2N31E2PY"}
          for target in ("uav", "helicopter", "aircraft")),
        {"kind": "comparison", "country": None, "counted": None, "qualifier": None, "value": None,
         "related_system": "stinger", "value_text": "lighter than the Stinger"},
        *({"kind": "inventory", "value": 4000 + n, "qualifier": "at_least", "counted": "missiles",
           "about": str(2013 + n)} for n in range(5)),
        *({"kind": "deployment", "value": 100 * n, "qualifier": "exact", "counted": "launchers",
           "stated": f"2024-0{n}", "source": "S-XRJZ0AG7"} for n in range(1, 5)),
    )  # fmt: skip
    assert len(added) == 20
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        for other in added[-3:]:
            claim_service.create_link(session, ClaimLinkCreate(from_claim=other, to_claim=added[-4],
                                                               kind=LinkKind.same_as), edit=EDIT)  # fmt: skip
    engine.dispose()
    after = _statements_per_request(url, paths)
    assert after == before
    assert all(count <= 12 for count in before.values()), before


def test_quantities_by_country_and_year_sum_up_a_systems_claims(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        transfers = client.get("/v1/systems/sa-24/quantities", params={"kind": "transfer"})
        every = client.get("/v1/systems/igla-s/quantities").json()
        wrong = client.get("/v1/systems/igla-s/quantities", params={"kind": "specification"})
    assert transfers.status_code == 200
    rows = [(r["country"], r["year"], r["counted"], r["claims"], r["low"], r["high"])
            for r in transfers.json()["rows"]]  # fmt: skip
    assert ("VE", 2009, "missiles", 1, 1800, 1800) in rows and ("VE", 2012, "missiles", 1, 2000, 2000) in rows
    assert {r["kind"] for r in every["rows"]} >= {"transfer", "inventory"}
    assert every["system"]["slug"] == "igla-s"
    assert wrong.status_code == 400 and wrong.json()["parameter"] == "kind"


def test_a_timeline_shows_the_latest_claims_up_to_its_limit(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        whole = client.get("/v1/timeline", params={"system": "igla-s", "country": "VE"}).json()
        latest = client.get("/v1/timeline", params={"system": "igla-s", "country": "VE", "limit": 2}).json()
        too_many = client.get("/v1/timeline", params={"system": "igla-s", "country": "VE", "limit": 501})
    assert not whole["truncated"] and len(whole["entries"]) > 3
    assert latest["truncated"] and len(latest["entries"]) == 2
    assert {e["claim"] for e in latest["entries"]} <= {e["claim"] for e in whole["entries"]}
    assert too_many.status_code == 422 and too_many.json()["parameter"] == "limit"
