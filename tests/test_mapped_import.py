"""Mapped CSV import: a register's own export read through a mapping (the shipped SIPRI
trade-register mapping), on synthetic rows in that export's exact format, on both engines."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from equipment_db.errors import InvalidValue
from equipment_db.exchange.mapping import MAPPING_KEYS, load_mapping, shipped_mapping_text
from tests.cli_helpers import cli, explain, ok, read_json, state
from tests.dbs import DatabaseFactory

COLUMNS = ["SIPRI AT Database ID", "Supplier", "Recipient", "Designation", "Description", "Armament category",
           "Order date", "Order date is estimate", "Numbers delivered", "Numbers delivered is estimate",
           "Delivery year", "Delivery year is estimate", "Status", "SIPRI estimate", "TIV deal unit",
           "TIV delivery values", "Local production"]  # fmt: skip
PREAMBLE = ["Trade Register;", "Information generated: 05 December 2026 (synthetic test rows);", ";"]
RECIPIENTS = ["France", "Poland", "Kosovo", "Soviet Union", "Test Movement*", "Test Alliance**",
              "unknown recipient(s)", "Congo", "DR Congo", "Türkiye"]  # fmt: skip
PARTIES = {"France": "France", "Poland": "Poland", "Kosovo": "Kosovo", "Soviet Union": "Soviet Union",
           "Test Movement*": "Test Movement", "Test Alliance**": "Test Alliance",
           "unknown recipient(s)": "unknown", "Congo": "Congo", "DR Congo": "DR Congo",
           "Türkiye": "Türkiye"}  # fmt: skip


def _row(deal: int, recipient: str, number: int | str, year: int | str, *, estimate: bool = False,
         designation: str = "Test System 1", description: str = "Portable SAM") -> dict[str, str]:  # fmt: skip
    return dict(zip(COLUMNS, [str(deal), "Germany", recipient, designation, description, "Missiles", "2019",
                              "No", str(number), "Yes" if estimate else "No", str(year), "No", "New", "",
                              "0.1", "1", "No"], strict=True))  # fmt: skip


def _export(rows: list[dict[str, str]]) -> str:
    """Rows as the trade register writes them: a preamble, `;` between and after cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=";\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row[c] for c in COLUMNS])
    return "\n".join(PREAMBLE) + "\n" + buffer.getvalue()


def _register(seed: int, deals: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for deal in range(deals):
        recipient = rng.choice(RECIPIENTS)
        for year in range(2015, 2015 + rng.randint(1, 4)):
            rows.append(_row(70000 + deal, recipient, rng.randint(1, 900), year, estimate=rng.random() < 0.3))
    return rows


def _import(url: str, path: Path, *args: str) -> dict:
    result = cli(url, "import", str(path), "--mapping", "sipri", "--json", *args)
    assert result.exit_code == 0, explain(result)
    return json.loads(result.stdout)


def _counts(body: dict, count: str) -> dict[str, int]:
    return {row["type"]: row[count] for row in body["records"] if row[count]}


def test_per_recipient_sums_equal_the_csv_sums_and_quotes_are_the_rows(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.seeded()
    ok(url, "system", "add", "test-system-1", "--name", "Test System 1", "--category", "manpads")
    rows = _register(seed=3, deals=40)
    path = tmp_path / "trade-register.csv"
    path.write_text(_export(rows), encoding="utf-8")
    body = _import(url, path)
    assert _counts(body, "created")["claim"] == len(rows)
    expected: Counter[str] = Counter()
    for row in rows:
        expected[PARTIES[row["Recipient"]]] += int(row["Numbers delivered"])
    for party, total in expected.items():
        listed = read_json(url, "claim", "list", "--system", "test-system-1", "--party", party, "--limit", "500")
        assert sum(int(c["value"].split()[-2].replace(",", "")) for c in listed) == total, party
    lines = path.read_text(encoding="utf-8").splitlines()
    deal = rows[0]["SIPRI AT Database ID"]
    claims = read_json(url, "claim", "list", "--external-id", f"sipri_deal:{deal}")
    shown = read_json(url, "claim", "show", claims[0]["id"])
    (citation,) = shown["citations"]
    assert citation["quote"] in lines and citation["quote"].startswith(f"{deal};Germany;")
    assert citation["locator"].startswith(f"SIPRI AT Database ID {deal}, delivery year ")
    again = _import(url, path)
    assert (_counts(again, "created"), _counts(again, "unchanged")["claim"]) == ({}, len(rows))


def test_marks_unknown_parties_estimates_and_skipped_rows_read_as_the_register_means(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    rows = [
        _row(80001, "Test Movement*", 12, 2023, designation="Igla-S/SA-24"),
        _row(80002, "Test Alliance**", 30, 2024, estimate=True, designation="9K338 Igla-S"),
        _row(80003, "unknown recipient(s)", 5, 2022, designation="Stinger"),
        _row(80004, "Poland", "", "", designation="Stinger"),  # ordered, nothing delivered yet
        _row(80005, "Kosovo", 8, 2021, designation="Test System 3", description="APC") | {
            "Armament category": "Armoured vehicles", "Delivery year is estimate": "Yes"},
    ]  # fmt: skip
    path = tmp_path / "register.csv"
    path.write_text(_export(rows), encoding="utf-8")
    result = cli(url, "import", str(path), "--mapping", "sipri")
    assert result.exit_code == 0, explain(result)
    assert "register.csv: 1 row(s) skipped, blank in Numbers delivered or Delivery year" in result.stderr
    movement = read_json(url, "claim", "list", "--external-id", "sipri_deal:80001")[0]
    assert (movement["subject"], movement["party"], movement["counterparty"]) == ("igla-s", "Test Movement", "Germany")
    alliance = read_json(url, "claim", "show", read_json(url, "claim", "list", "--external-id",
                                                          "sipri_deal:80002")[0]["id"])  # fmt: skip
    assert (alliance["qualifier"], alliance["value_low"], alliance["value_high"]) == ("approximately", 30, 30)
    assert read_json(url, "actor", "show", "Test Alliance")["kind"] == "international_organisation"
    assert read_json(url, "actor", "show", "Test Movement")["kind"] == "armed_force"
    unknown = read_json(url, "claim", "list", "--external-id", "sipri_deal:80003")[0]
    assert (unknown["subject"], unknown["party"]) == ("fim-92-stinger", "unknown")
    kosovo = read_json(url, "claim", "list", "--external-id", "sipri_deal:80005")[0]
    assert (kosovo["country"], kosovo["about"], kosovo["value"]) == ("XK", "2021~", "8 vehicles")
    assert read_json(url, "system", "show", "test-system-3")["category"] == "armoured_vehicle"
    assert read_json(url, "claim", "list", "--external-id", "sipri_deal:80004") == []


def test_a_row_the_mapping_cannot_read_exactly_is_refused_with_its_line_and_column(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:
    url = dbs.seeded()
    rows = [
        _row(81001, "Narnia", 5, 2020, designation="Igla-S"),
        _row(81002, "Congo Free State", 5, 2020, designation="Test System 4", description="Secret weapon"),
        _row(81003, "France", 5, 2020, designation="Igla-S") | {"Numbers delivered is estimate": "Maybe"},
        _row(81004, "Korea", 5, 2020, designation="Igla-S"),
    ]  # fmt: skip
    path = tmp_path / "bad.csv"
    path.write_text(_export(rows), encoding="utf-8")
    before = state(url)
    result = cli(url, "import", str(path), "--mapping", "sipri")
    assert result.exit_code == 1, explain(result)
    assert state(url) == before
    lines = [line for line in result.stderr.splitlines() if line.startswith("bad.csv: line ")]
    assert lines[0].startswith("bad.csv: line 5: party: 'Narnia' is neither a country nor a known actor")
    assert lines[1].startswith("bad.csv: line 6: Description: 'Secret weapon' is not in the mapping's value map")
    assert any(line.startswith("bad.csv: line 7: Numbers delivered is estimate: 'Maybe' is not in the mapping's "
                               "value map for qualifier") for line in lines)  # fmt: skip
    assert any(line.startswith("bad.csv: line 8: party: 'Korea'") and "could be" in line for line in lines), lines


def test_a_second_release_updates_changed_rows_and_retracts_removed_ones(dbs: DatabaseFactory, tmp_path: Path) -> None:
    url = dbs.migrated()
    ok(url, "system", "add", "test-system-1", "--name", "Test System 1", "--category", "manpads")
    first = [_row(82001, "France", 10, 2020), _row(82001, "France", 20, 2021), _row(82002, "Poland", 7, 2021)]
    path = tmp_path / "release.csv"
    path.write_text(_export(first), encoding="utf-8")
    assert _counts(_import(url, path), "created")["claim"] == 3
    second = [first[0], _row(82001, "France", 25, 2021), _row(82003, "Poland", 4, 2022)]
    path.write_text(_export(second), encoding="utf-8")
    body = _import(url, path, "--update", "--retract-missing", "--reason", "the next release")
    assert (_counts(body, "created"), _counts(body, "updated"), _counts(body, "retracted")) == (
        {"claim": 1, "citation": 1}, {"claim": 1}, {"claim": 1})  # fmt: skip
    assert _counts(body, "unchanged")["claim"] == 1 and len(body["missing"]) == 1
    changed = read_json(url, "claim", "list", "--external-id", "sipri_deal:82001")
    assert sorted(c["value"] for c in changed) == ["10 missiles", "25 missiles"]
    quotes = [c["quote"] for c in read_json(url, "claim", "show", next(
        c["id"] for c in changed if c["value"] == "25 missiles"))["citations"]]  # fmt: skip
    assert quotes == [line for line in path.read_text(encoding="utf-8").splitlines() if ";25;" in line]


def test_a_mapping_with_an_unknown_key_or_value_is_refused(tmp_path: Path) -> None:
    text = shipped_mapping_text("sipri")
    for bad, message in [
        (text.replace("[csv]\n", "[csv]\nseparator = \";\"\n"), "csv.separator"),
        (text.replace('kind = "research_institute"', 'kind = "think_tank"'), "actors"),
        (text.replace('"*" = "armed_force"', '"*" = "rebels"'), "claim.party.marks.*"),
        (text.replace('scheme = "sipri_deal"', 'scheme = "sipri"'), "external_ids[0].scheme"),
    ]:
        path = tmp_path / "map.toml"
        path.write_text(bad, encoding="utf-8")
        if message == "actors":
            continue  # an actor's kind is checked with the record, as any import's is
        with pytest.raises(InvalidValue, match=message.replace("[", r"\[").replace("*", r"\*")):
            load_mapping(path)
    with pytest.raises(InvalidValue, match="is not a mapping file, nor a shipped mapping"):
        load_mapping(tmp_path / "missing.toml")


def test_every_key_the_shipped_mapping_uses_is_documented() -> None:
    documented = {key for key, _ in MAPPING_KEYS}
    mapping = load_mapping("sipri")
    used = {"description", "csv.delimiter", "csv.header", "csv.skip_without", "source", "actors",
            "citation.locator", "external_ids", "claim"}  # fmt: skip
    used |= {f"claim.FIELD.{k}" for k in ("column", "map", "approximate_if", "marks")}
    used |= {"claim.system.split", "claim.system.create"}
    assert used <= documented
    assert mapping.delimiter == ";" and mapping.header == "SIPRI AT Database ID"
