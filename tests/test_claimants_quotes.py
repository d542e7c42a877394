"""Several claimants in the source's order, and one source cited again with another quote or
locator, entered through the CLI and an import and read back through the API, the page, the
citations and the export; an exact repeat refused; the migration up and down; on SQLite and
PostgreSQL (issue 14, part 6)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from equipment_db import migrate, schema_version
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok, read_json, state  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source
OFFICIAL, SOURCE, THIRD = "Test Official", "Test Congressional Source", "Test Spokesperson"
CLAIM = ["--kind", "transfer", "--system", "igla-s", "--country", "UA", "--counterparty", "US", "--scope",
         "delivered", "--counted", "missiles", "--quantity", "200"]  # fmt: skip
SAID = f"{OFFICIAL} and {SOURCE} claimed that United States delivered 200 missiles"


def _actors(url: str) -> None:
    for name in (OFFICIAL, SOURCE, THIRD):
        ok(url, "actor", "add", name, "--kind", "person")


def _read(url: str, claim_id: str) -> tuple[dict, BeautifulSoup, str, str]:  # type: ignore[type-arg]
    with api(url) as client:
        item = client.get(f"/v1/claims/{claim_id}").json()
        page = BeautifulSoup(client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"}).text,
                             "html.parser")  # fmt: skip
        apa = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "apa"}).text
        csl = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "csl-json"}).text
    return item, page, apa, csl


def _claimants_on_page(page: BeautifulSoup) -> list[str]:
    return [li.get_text(strip=True) for li in page.select("ol.claimants li")]


def test_several_claimants_in_order_through_the_cli(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _actors(url)
    claim_id = ok(url, "claim", "add", *CLAIM, "--claimant", OFFICIAL, "--claimant", SOURCE,
                  "--source", ANADOLU).stdout.strip()  # fmt: skip
    item, page, apa, csl = _read(url, claim_id)
    assert (item["claimant"], item["claimants"]) == (OFFICIAL, [OFFICIAL, SOURCE])
    assert _claimants_on_page(page) == [OFFICIAL, SOURCE]
    assert SAID in apa and SAID in json.loads(csl)[0]["title"]
    assert [r["id"] for r in read_json(url, "claim", "list", "--claimant", SOURCE)] == [claim_id]  # any of them
    ok(url, "claim", "edit", claim_id, "--claimant", SOURCE, "--claimant", THIRD, "--claimant", OFFICIAL,
       "--reason", "test: the order the article gives")  # fmt: skip
    assert read_json(url, "claim", "show", claim_id)["claimants"] == [SOURCE, THIRD, OFFICIAL]
    with api(url) as client:
        versions = client.get(f"/v1/claims/{claim_id}/versions").json()
    assert len(versions) == 2
    ok(url, "claim", "edit", claim_id, "--claimant", OFFICIAL, "--reason", "test: one claimant again")
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["claimant"], shown["claimants"]) == (OFFICIAL, None)


def test_a_claimant_named_twice_or_unknown_is_refused_and_nothing_is_written(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _actors(url)
    before = state(url)
    for names, message in [
        ([OFFICIAL, OFFICIAL], f"claimants[1]: {OFFICIAL!r} is named twice"),
        ([OFFICIAL, "Nobody Known"], "actor not found: 'Nobody Known'"),
    ]:  # fmt: skip
        options = [part for name in names for part in ("--claimant", name)]
        result = cli(url, "claim", "add", *CLAIM, *options, "--source", ANADOLU)
        assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1, explain(result)
    assert state(url) == before


def test_one_source_twice_with_different_quotes_and_an_exact_repeat_refused(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    claim_id = ok(url, "claim", "add", *CLAIM, "--source", ANADOLU, "--quote", "Test quote: 200 missiles.").stdout.strip()
    ok(url, "claim", "cite", claim_id, "--source", ANADOLU, "--quote", "Test quote: delivered in March.",
       "--locator", "paragraph 9")  # fmt: skip
    item, page, apa, _ = _read(url, claim_id)
    quotes = [(c["source"], c["quote"], c["locator"]) for c in item["citations"]]
    assert quotes == [(ANADOLU, "Test quote: 200 missiles.", None),
                      (ANADOLU, "Test quote: delivered in March.", "paragraph 9")]  # fmt: skip
    text = page.get_text(" ")
    assert "Test quote: 200 missiles." in text and "Test quote: delivered in March." in text
    assert apa.count("Anadolu Agency. [reports the claim") == 1  # one reference, both quotes in its note
    before = state(url)
    again = cli(url, "claim", "cite", claim_id, "--source", ANADOLU, "--quote", "Test quote: delivered in March.",
                "--locator", "paragraph 9")  # fmt: skip
    assert again.exit_code == 1 and "already exists" in again.stderr and ANADOLU in again.stderr, explain(again)
    assert state(url) == before


def test_an_import_takes_claimants_and_repeated_sources_and_the_export_gives_them_back(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:  # fmt: skip
    url = dbs.seeded()
    _actors(url)
    record = {"type": "claim", "id": "C-00000401", "kind": "transfer", "system": "igla-s", "country": "UA",
              "counterparty_country": "US", "scope": "delivered", "counted": "missiles", "value": 200,
              "claimants": [OFFICIAL, SOURCE],
              "citations": [{"source": ANADOLU, "quote": "Test quote one."},
                            {"source": ANADOLU, "quote": "Test quote two.", "locator": "paragraph 2"}]}  # fmt: skip
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ok(url, "import", str(path), "--yes")
    item, page, apa, _ = _read(url, "C-00000401")
    assert item["claimants"] == [OFFICIAL, SOURCE] and _claimants_on_page(page) == [OFFICIAL, SOURCE]
    assert SAID in apa and [c["quote"] for c in item["citations"]] == ["Test quote one.", "Test quote two."]
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"out.{fmt}"
        ok(url, "export", "--output", str(out))  if fmt == "jsonl" else ok(url, "export", "--format", "csv",
                                                                          "--output", str(out))  # fmt: skip
        other = dbs.seeded()
        _actors(other)
        ok(other, "import", str(out), "--yes")
        again = read_json(other, "claim", "show", "C-00000401")
        assert again["claimants"] == [OFFICIAL, SOURCE], fmt
        assert sorted(c["quote"] for c in again["citations"]) == ["Test quote one.", "Test quote two."], fmt
    twice = dict(record, id="C-00000402", citations=[{"source": ANADOLU, "quote": "Same."}] * 2)
    path.write_text(json.dumps(twice) + "\n", encoding="utf-8")
    refused = cli(url, "import", str(path), "--yes")
    assert refused.exit_code == 1 and "citations[1].source" in refused.stderr, explain(refused)


def test_the_migration_steps_down_only_without_several_claimants_or_repeated_sources(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    migrate.downgrade(engine, "0014")
    migrate.upgrade(engine)
    _actors(url)
    claim_id = ok(url, "claim", "add", *CLAIM, "--claimant", OFFICIAL, "--claimant", SOURCE,
                  "--source", ANADOLU).stdout.strip()  # fmt: skip
    with pytest.raises(RuntimeError, match="name several claimants"):
        migrate.downgrade(engine, "0014")
    assert schema_version.is_up_to_date(engine)
    ok(url, "claim", "edit", claim_id, "--claimant", OFFICIAL, "--reason", "test")
    ok(url, "claim", "cite", claim_id, "--source", ANADOLU, "--quote", "Test quote again.")
    with pytest.raises(RuntimeError, match="cite a source again"):
        migrate.downgrade(engine, "0014")
    engine.dispose()
