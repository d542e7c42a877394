"""A dozen real wordings entered through `claim add`: what `claim show --json`, the claim page
and the APA and CSL-JSON citations then say is exactly what the source said, and a wording
the reader cannot read completely is refused on the CLI, in seed data and in an import alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok, read_json, state  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

ANADOLU = "S-PJZ2YVHP"  # a seeded source
COUNT = ["--kind", "inventory", "--country", "VE", "--counted", "missiles"]

# (options, the wording, how every reader words it afterwards)
CASES: list[tuple[list[str], str, str]] = [
    (COUNT, "two hundred missiles", "200 missiles"),
    (["--kind", "inventory", "--country", "VE", "--counted", "launchers"], "twenty-five launchers", "25 launchers"),
    (COUNT, "no less than 5,000", "at least 5,000 missiles"),
    (COUNT, "nearly 2,000", "nearly 2,000 missiles"),
    (COUNT, "a total of more than 1,400", "more than 1,400 missiles"),
    (COUNT, "hundreds", "hundreds (200 to 999) missiles"),
    (COUNT, "5.000", None),  # the source's language decides; none given: refused
    (["--kind", "specification", "--attribute", "max_range"], "about 7.5 to 8 kilometers", "about 7.5 to 8 km"),
    (["--kind", "specification", "--attribute", "max_range"], "up to 6km", "up to 6 km"),
    (["--kind", "specification", "--attribute", "weight"], "a little over 16 kg", "just over 16 kg"),
    (["--kind", "specification", "--attribute", "max_range"], "6,5 km", "6.5 km"),
    (["--kind", "specification", "--attribute", "speed"], "Mach 2.2", "Mach 2.2"),
    (["--kind", "specification", "--attribute", "speed"], "ok. 1800 km/h", "about 1,800 km/h"),
]


def _add(url: str, options: list[str], wording: str) -> tuple[int, str]:
    result = cli(url, "claim", "add", "--system", "igla-s", *options, "--value", wording, "--source", ANADOLU,
                 "--quote", f"Test quote: {wording}.", "--json")  # fmt: skip
    return result.exit_code, result.stdout if result.exit_code == 0 else result.stderr


def test_each_wording_reads_the_same_in_the_cli_the_page_and_the_citations(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    for options, wording, expected in CASES:
        before = state(url)
        exit_code, output = _add(url, options, wording)
        if expected is None:
            assert exit_code == 1 and output.startswith(f"error: value: '{wording}' cannot be read: "), output
            assert state(url) == before
            continue
        assert exit_code == 0, output
        added = json.loads(output)
        assert added["read_as"] == expected, wording
        shown = read_json(url, "claim", "show", added["id"])
        assert (shown["value_as_worded"], shown["value_text"]) == (expected, wording)
        with api(url) as client:
            apa = client.get(f"/v1/claims/{added['id']}/citation", params={"format": "apa"}).text
            csl = json.loads(client.get(f"/v1/claims/{added['id']}/citation", params={"format": "csl-json"}).text)
            page = BeautifulSoup(client.get(f"/v1/claims/{added['id']}", headers={"accept": "text/html"}).text,
                                 "html.parser")  # fmt: skip
        assert expected in apa and expected in csl[0]["title"], (wording, apa)
        value = page.find("dt", string="Value").find_next_sibling("dd").get_text(" ", strip=True)
        quantity = expected.removesuffix(" missiles").removesuffix(" launchers")  # the page says what is counted apart
        assert value.startswith(quantity), (wording, value)
        words = page.find("dt", string="In the source's words").find_next_sibling("dd").get_text(strip=True)
        assert words == f"“{wording}”"


def test_a_record_may_give_its_value_in_words_read_by_the_same_reader(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    record = {"type": "claim", "kind": "inventory", "system": "igla-s", "country": "VE", "counted": "missiles",
              "value": "nearly 2,000", "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip
    bad = record | {"value": "at least 5,000, possibly 7,000"}
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    refused = cli(url, "import", str(path), "--yes")
    added = cli(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "VE", "--counted",
                "missiles", "--value", bad["value"], "--source", ANADOLU)  # fmt: skip
    reason = added.stderr.removeprefix("error: ").strip()
    assert refused.exit_code == added.exit_code == 1
    assert f"claims.jsonl: line 1: {reason}" in refused.stderr, explain(refused)
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ok(url, "import", str(path), "--yes")
    imported = [row for row in read_json(url, "claim", "list", "--system", "igla-s", "--country", "VE")
                if row["value"] == "nearly 2,000 missiles"]  # fmt: skip
    assert len(imported) == 1


@pytest.mark.parametrize(("quantity", "unit"), [("1e308", "km"), ("1e16", "m")])
def test_a_value_beyond_what_a_column_holds_is_refused_in_one_line(dbs: DatabaseFactory, quantity: str,
                                                                    unit: str) -> None:  # fmt: skip
    url = dbs.seeded()
    before = state(url)
    result = cli(url, "claim", "add", "--kind", "specification", "--system", "igla-s", "--attribute", "max_range",
                 "--quantity", quantity, "--unit", unit, "--source", ANADOLU)  # fmt: skip
    assert result.exit_code == 1 and result.stderr.count("\n") == 1, explain(result)
    assert "a value may hold" in result.stderr
    assert state(url) == before


def test_a_converted_value_comes_back_as_the_source_gave_it(dbs: DatabaseFactory) -> None:
    """2,100 km/h is stored as 583.333333333 m/s; every reader and the export give 2,100 km/h back,
    never 2099.999999999."""
    url = dbs.seeded()
    exit_code, output = _add(url, ["--kind", "specification", "--attribute", "speed"], "2,100 km/h")
    assert exit_code == 0, output
    claim_id = json.loads(output)["id"]
    shown = read_json(url, "claim", "show", claim_id)
    assert (shown["value_as_worded"], shown["value_converted"]) == ("2,100 km/h", "583 m/s")
    with api(url) as client:
        page = BeautifulSoup(client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"}).text,
                             "html.parser")  # fmt: skip
    converted = page.find("dt", string="In m/s").find_next_sibling("dd").get_text(" ", strip=True)
    assert converted.startswith("583 m/s (converted")
    exported = [json.loads(line) for line in ok(url, "export", "--format", "jsonl").stdout.splitlines()]
    record = next(r for r in exported if r.get("type") == "claim" and r.get("id") == claim_id)
    assert (record["value_low"], record["value_high"], record["unit"]) == (2100, 2100, "km/h")


def test_a_count_whose_words_name_another_thing_than_counted_is_refused_on_every_path(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    """'200 launchers' stored as 200 missiles is not what the source said."""
    url = dbs.seeded()
    before = state(url)
    message = "counted: 'missiles' but the wording '200 launchers' counts launchers"
    added = cli(url, "claim", "add", *COUNT, "--system", "igla-s", "--value", "200 launchers", "--source", ANADOLU)
    assert (added.exit_code, added.stderr) == (1, f"error: {message}\n"), explain(added)
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps({"type": "claim", "kind": "inventory", "system": "igla-s", "country": "VE",
                                "counted": "missiles", "value": "200 launchers",
                                "citations": [{"source": ANADOLU}]}) + "\n", encoding="utf-8")  # fmt: skip
    imported = cli(url, "import", str(path), "--yes")
    assert imported.exit_code == 1 and f"line 1: {message}" in imported.stderr, explain(imported)
    assert state(url) == before
    ok(url, "claim", "add", "--kind", "inventory", "--country", "VE", "--counted", "launchers", "--system", "igla-s",
       "--value", "200 launchers", "--source", ANADOLU)  # fmt: skip


@pytest.mark.parametrize(("options", "wording", "kept", "converted"), [
    (["--attribute", "speed"], "Mach 2.2", ("2.2", "Mach 2.2"),
     "749 m/s (Mach 1 = 340.3 m/s, the sea-level standard atmosphere)"),
    (["--attribute", "max_range"], "about 7.5 to 8 kilometers", ("7.5", "about 7.5 to 8 km"), "about 7,500 to 8,000 m"),
    (["--attribute", "max_range"], "5 miles", ("5", "5 mi"), "8,050 m"),
    (["--attribute", "max_altitude"], "3,500 m", ("3500", "3,500 m"), None),  # the canonical unit: nothing converted
])  # fmt: skip
def test_the_source_number_is_kept_exactly_and_the_conversion_keeps_its_significant_figures(
    dbs: DatabaseFactory, options: list[str], wording: str, kept: tuple[str, str], converted: str | None
) -> None:  # fmt: skip
    url = dbs.seeded()
    exit_code, output = _add(url, ["--kind", "specification", *options], wording)
    assert exit_code == 0, output
    shown = read_json(url, "claim", "show", json.loads(output)["id"])
    assert (shown["value_as_worded"], shown["value_converted"]) == (kept[1], converted)
    engine = engine_for(url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT original_low FROM claim WHERE public_id = :id"),
                                    {"id": shown["id"]}).scalar_one()  # fmt: skip
    engine.dispose()
    assert stored == kept[0]


def test_the_sources_language_decides_a_separator_that_reads_two_ways(dbs: DatabaseFactory) -> None:
    """'5.000' is 5,000 in a German source, and refused where the language does not decide it;
    '1,5 km' is 1.5 km. The CLI, an edit and an import all read in the cited sources' language."""
    url = dbs.seeded()
    german = ok(url, "source", "add", "--kind", "news_article", "--publisher", "Example Zeitung", "--language", "de",
                "--url", "https://example.org/zeitung/1", "--title", "Test article").stdout.strip()  # fmt: skip
    result = cli(url, "claim", "add", *COUNT, "--system", "igla-s", "--value", "5.000", "--source", german, "--json")
    assert result.exit_code == 0, explain(result)
    assert json.loads(result.stdout)["read_as"] == "5,000 missiles"
    claim_id = json.loads(result.stdout)["id"]
    edited = cli(url, "claim", "edit", claim_id, "--value", "über 1.500", "--reason", "test", "--json")
    assert edited.exit_code == 1 and "cannot be read" in edited.stderr, explain(edited)  # German words: refused
    edited = cli(url, "claim", "edit", claim_id, "--value", "more than 1.500", "--reason", "test", "--json")
    assert json.loads(edited.stdout)["read_as"] == "more than 1,500 missiles", explain(edited)
    refused = cli(url, "claim", "add", *COUNT, "--system", "igla-s", "--value", "5.000", "--source", ANADOLU)
    assert refused.exit_code == 1 and "the source's language decides" in refused.stderr, explain(refused)


def test_a_year_in_words_is_read_only_for_a_year_attribute(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    refused = cli(url, "claim", "add", *COUNT, "--system", "igla-s", "--value", "since 1997", "--source", ANADOLU)
    assert refused.exit_code == 1 and "is a year, which only in_service_since takes" in refused.stderr
    exit_code, output = _add(url, ["--kind", "specification", "--attribute", "in_service_since"], "since 1997")
    assert exit_code == 0 and json.loads(output)["read_as"] == "1997", output
    exit_code, output = _add(url, ["--kind", "specification", "--attribute", "in_service_since"], "about 5,000")
    assert exit_code == 1 and "is not a calendar year" in output, output
