"""Parties that are not countries, the scopes reporting uses, and denials, entered through the
CLI and through an import, and read back through `claim show`, `claim list`, the API, the
claim page and the citations, on both engines (issue: "Who, when and what kind")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from equipment_db import migrate, schema_version
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok, read_json, state  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source
GROUP, ALLIANCE = "Test Armed Group", "Test Alliance"
TRANSFER = ["--kind", "transfer", "--system", "igla-s", "--counted", "missiles", "--source", ANADOLU]


def _actors(url: str) -> None:
    ok(url, "actor", "add", GROUP, "--kind", "armed_force")
    ok(url, "actor", "add", ALLIANCE, "--kind", "international_organisation")


def _add(url: str, *options: str) -> str:
    return ok(url, "claim", "add", *options).stdout.strip()


def _page(url: str, claim_id: str) -> BeautifulSoup:
    with api(url) as client:
        return BeautifulSoup(client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"}).text,
                             "html.parser")  # fmt: skip


def _dd(page: BeautifulSoup, term: str) -> str:
    return page.find("dt", string=term).find_next_sibling("dd").get_text(" ", strip=True)


def _citation(url: str, claim_id: str, style: str) -> str:
    with api(url) as client:
        return client.get(f"/v1/claims/{claim_id}/citation", params={"format": style}).text


def test_a_transfer_to_an_armed_group_from_an_unknown_supplier(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _actors(url)
    claim_id = _add(url, *TRANSFER, "--party", GROUP, "--counterparty", "unknown", "--scope", "delivered",
                    "--quantity", "12")  # fmt: skip
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["country"], shown["party"], shown["party_name"]) == (None, f"actor:{GROUP}", GROUP)
    assert (shown["counterparty_country"], shown["counterparty"], shown["counterparty_name"]) == (
        None, "unknown", "unknown")  # fmt: skip
    assert _dd(_page(url, claim_id), "Recipient") == GROUP and _dd(_page(url, claim_id), "Supplier") == "unknown"
    assert f"An unknown party delivered 12 missiles of 9K338 Igla-S to {GROUP}" in _citation(url, claim_id, "apa")
    rows = read_json(url, "claim", "list", "--party", GROUP)
    assert [(r["id"], r["party"], r["counterparty"]) for r in rows] == [(claim_id, GROUP, "unknown")]
    assert [r["id"] for r in read_json(url, "claim", "list", "--counterparty", "unknown")] == [claim_id]
    with api(url) as client:
        items = client.get("/v1/claims", params={"party": f"actor:{GROUP}"}).json()["items"]
    assert [i["id"] for i in items] == [claim_id]


def test_an_organisation_holds_and_a_bare_name_must_be_one_party(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _actors(url)
    claim_id = _add(url, "--kind", "inventory", "--system", "igla-s", "--counted", "missiles", "--party",
                    f"actor:{ALLIANCE}", "--quantity", "300", "--source", ANADOLU)  # fmt: skip
    assert f"{ALLIANCE} holds 300 missiles" in _citation(url, claim_id, "apa")
    before = state(url)
    for party, message in [
        ("Narnia", "party: 'Narnia' is neither a country nor a known actor; add the actor first (actor add), "
                   "or say unknown"),
        ("actor:Nobody Group", "actor not found: 'Nobody Group'"),
    ]:  # fmt: skip
        result = cli(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--counted", "missiles",
                     "--party", party, "--quantity", "3", "--source", ANADOLU)  # fmt: skip
        assert result.exit_code == 1 and result.stderr.startswith(f"error: {message}"), explain(result)
    both = cli(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--counted", "missiles",
               "--country", "VE", "--party", ALLIANCE, "--quantity", "3", "--source", ANADOLU)  # fmt: skip
    assert both.exit_code == 1 and "given together with country" in both.stderr, explain(both)
    assert state(url) == before
    ok(url, "actor", "add", "Germany", "--kind", "government_body")  # an actor named like a country
    result = cli(url, "claim", "add", *TRANSFER, "--country", "UA", "--counterparty", "Germany", "--scope",
                 "delivered", "--quantity", "3")  # fmt: skip
    assert result.exit_code == 1 and "say country:Germany or actor:Germany" in result.stderr, explain(result)
    explicit = _add(url, *TRANSFER, "--country", "UA", "--counterparty", "country:Germany", "--scope", "delivered",
                    "--quantity", "3")  # fmt: skip
    assert read_json(url, "claim", "show", explicit)["counterparty_country"] == "DE"


@pytest.mark.parametrize(("scope", "sentence"), [
    ("pledged", "Germany pledged 2,700 missiles of 9K338 Igla-S to Ukraine"),
    ("approved", "Germany approved the transfer of 2,700 missiles of 9K338 Igla-S to Ukraine"),
    ("offered", "Germany offered 2,700 missiles of 9K338 Igla-S to Ukraine"),
    ("ordered", "Ukraine ordered 2,700 missiles of 9K338 Igla-S from Germany"),
    ("delivered", "Germany delivered 2,700 missiles of 9K338 Igla-S to Ukraine"),
])  # fmt: skip
def test_a_pledge_is_never_an_order(dbs: DatabaseFactory, scope: str, sentence: str) -> None:
    url = dbs.seeded()
    claim_id = _add(url, *TRANSFER, "--country", "UA", "--counterparty", "DE", "--scope", scope, "--quantity", "2700")
    assert sentence in _citation(url, claim_id, "apa")
    assert sentence in json.loads(_citation(url, claim_id, "csl-json"))[0]["title"]
    assert [r["id"] for r in read_json(url, "claim", "list", "--scope", scope, "--country", "UA")] == [claim_id]


def test_a_transfer_must_say_its_scope_and_a_scope_must_fit_the_kind(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    missing = cli(url, "claim", "add", *TRANSFER, "--country", "UA", "--counterparty", "DE", "--quantity", "5")
    assert missing.exit_code == 1 and "a pledge is not an order" in missing.stderr, explain(missing)
    wrong = cli(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--counted", "missiles",
                "--country", "UA", "--scope", "pledged", "--quantity", "5", "--source", ANADOLU)  # fmt: skip
    assert wrong.exit_code == 1 and "scope: 'pledged' is not a scope of an inventory (inventory)" in wrong.stderr
    assert state(url) == before
    lost = _add(url, "--kind", "loss", "--system", "igla-s", "--counted", "launchers", "--country", "UA",
                "--counterparty", "RU", "--scope", "captured", "--quantity", "4", "--source", ANADOLU)  # fmt: skip
    assert "Ukraine has lost to capture 4 launchers of 9K338 Igla-S (captured by Russia" in _citation(url, lost, "apa")


def test_a_denial_is_stored_as_a_denial_with_no_number(dbs: DatabaseFactory) -> None:
    """"X has not supplied new systems to Y": a denial, not "0 systems"."""
    url = dbs.seeded()
    claim_id = _add(url, *TRANSFER, "--country", "UA", "--counterparty", "DE", "--scope", "delivered",
                    "--stance", "denies", "--claimant", "Nicolás Maduro")  # fmt: skip
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["stance"], shown["value_low"], shown["value_high"], shown["value_as_worded"]) == (
        "denies", None, None, "denied")  # fmt: skip
    sentence = ("Nicolás Maduro (President of Venezuela) denied that Germany delivered any missiles of 9K338 Igla-S "
                "to Ukraine")
    assert sentence in _citation(url, claim_id, "apa")
    assert sentence in json.loads(_citation(url, claim_id, "csl-json"))[0]["title"]
    for style in ("mla", "chicago", "bibtex", "ris"):
        assert "denied that Germany delivered any missiles" in _citation(url, claim_id, style), style
    assert _dd(_page(url, claim_id), "Stance").startswith("denies")
    rows = read_json(url, "claim", "list", "--stance", "denies")
    assert [(r["id"], r["value"]) for r in rows] == [(claim_id, "denied")]
    with api(url) as client:
        assert [i["id"] for i in client.get("/v1/claims", params={"stance": "denies"}).json()["items"]] == [claim_id]
    no_scope = cli(url, "claim", "add", *TRANSFER, "--country", "UA", "--counterparty", "DE", "--stance", "denies")
    assert no_scope.exit_code == 1 and "scope: required for a transfer" in no_scope.stderr, explain(no_scope)


def _records(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_import_takes_parties_scopes_and_denials_and_export_gives_them_back(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:  # fmt: skip
    url = dbs.seeded()
    _actors(url)
    base = {"type": "claim", "kind": "transfer", "system": "igla-s", "counted": "missiles",
            "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip
    records = [
        base | {"id": "C-00000101", "party": f"actor:{GROUP}", "counterparty": "unknown", "scope": "delivered",
                "value": 40},
        base | {"id": "C-00000102", "country": "UA", "counterparty_country": "DE", "scope": "pledged", "value": 2700},
        base | {"id": "C-00000103", "country": "UA", "counterparty": "DE", "scope": "delivered", "stance": "denies"},
        base | {"id": "C-00000104", "kind": "inventory", "party": ALLIANCE, "value": 3, "scope": None},
    ]  # fmt: skip
    ok(url, "import", str(_records(tmp_path, records)), "--yes")
    lines = [json.loads(line) for line in ok(url, "export", "--format", "jsonl").stdout.splitlines()]
    exported = {r["id"]: r for r in lines if r.get("type") == "claim"}
    cited = [r for r in lines if r.get("type") == "citation" and r["claim"] in {c["id"] for c in records}]
    got = [(exported[r["id"]]["country"], exported[r["id"]]["party"], exported[r["id"]]["counterparty_country"],
            exported[r["id"]]["counterparty"], exported[r["id"]]["scope"], exported[r["id"]]["stance"])
           for r in records]  # fmt: skip
    assert got == [
        (None, f"actor:{GROUP}", None, "unknown", "delivered", "affirms"),
        ("UA", None, "DE", None, "pledged", "affirms"),
        ("UA", None, "DE", None, "delivered", "denies"),
        (None, f"actor:{ALLIANCE}", None, None, "inventory", "affirms"),
    ]
    with api(url) as client:
        pledged = client.get("/v1/claims", params={"scope": "pledged", "party": "Ukraine"}).json()["items"]
    assert [i["id"] for i in pledged] == ["C-00000102"]
    # The export imports back into an empty database to the same records.
    other = dbs.seeded()
    _actors(other)
    again = [exported[r["id"]] for r in records]
    ok(other, "import", str(_records(tmp_path, again + cited)), "--yes")
    for record in again:
        assert {k: v for k, v in read_json(other, "claim", "show", record["id"]).items() if k in record} == record


def test_an_external_id_finds_its_claim(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    record = {"type": "claim", "id": "C-00000201", "kind": "transfer", "system": "igla-s", "counted": "missiles",
              "country": "UA", "counterparty_country": "DE", "scope": "delivered", "value": 5,
              "external_ids": [{"scheme": "sipri_deal", "value": "T-12345"}],
              "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip
    ok(url, "import", str(_records(tmp_path, [record])), "--yes")
    assert [r["id"] for r in read_json(url, "claim", "list", "--external-id", "sipri_deal:T-12345")] == ["C-00000201"]
    with api(url) as client:
        found = client.get("/v1/claims", params={"external_id": "sipri_deal:T-12345"}).json()["items"]
        bad = client.get("/v1/claims", params={"external_id": "nonsense:1"})
    assert [i["id"] for i in found] == ["C-00000201"]
    assert bad.status_code == 400 and bad.json()["parameter"] == "external_id"


def test_the_migration_keeps_existing_data_and_refuses_to_step_down_over_new_meanings(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with engine.connect() as connection:
        before = connection.execute(sa.text("SELECT public_id, country, counterparty_country, scope FROM claim "
                                            "ORDER BY id")).all()  # fmt: skip
    migrate.downgrade(engine, "0012")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        after = connection.execute(sa.text("SELECT public_id, country, counterparty_country, scope FROM claim "
                                           "ORDER BY id")).all()  # fmt: skip
        stances = set(connection.execute(sa.text("SELECT stance FROM claim")).scalars())
    assert after == before and stances == {"affirms"}
    _add(url, *TRANSFER, "--country", "UA", "--counterparty", "DE", "--scope", "pledged", "--quantity", "1")
    with pytest.raises(RuntimeError, match="restate them first"):
        migrate.downgrade(engine, "0012")
    assert schema_version.is_up_to_date(engine)
    engine.dispose()


def test_the_timeline_of_an_actor_party(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _actors(url)
    first = _add(url, *TRANSFER, "--party", GROUP, "--counterparty", "unknown", "--scope", "delivered",
                 "--quantity", "12", "--about", "2023")  # fmt: skip
    second = _add(url, *TRANSFER, "--party", GROUP, "--counterparty", "IR", "--scope", "delivered",
                  "--quantity", "30", "--about", "2024")  # fmt: skip
    _add(url, *TRANSFER, "--country", "UA", "--counterparty", "DE", "--scope", "delivered", "--quantity", "5")
    with api(url) as client:
        found = client.get("/v1/timeline", params={"system": "igla-s", "country": f"actor:{GROUP}"}).json()
        page = client.get("/v1/timeline", params={"system": "igla-s", "country": GROUP},
                          headers={"accept": "text/html"})  # fmt: skip
    assert (found["country"], found["party"]) == (None, GROUP)
    assert [e["claim"] for e in found["entries"]] == [first, second]
    assert page.status_code == 200 and GROUP in BeautifulSoup(page.text, "html.parser").find("main").get_text()
