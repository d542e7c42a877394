"""Countries are read exactly or refused, never guessed (issue: "Who, when and what kind", part 1).

The table in tests/country_names.toml holds how news, registers and governments write country
names; Kosovo is XK, never Serbia; the former countries of ISO 3166-3 are stored by their four
letters and shown by name; the migration widens the columns and steps back down only while no
former country is stored. The database tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pycountry
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from equipment_db import migrate, schema_version
from equipment_db.errors import InvalidValue
from equipment_db.normalize import country_names as curated
from equipment_db.normalize.countries import country_code, country_label, country_name, name_key
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok, read_json, state  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

TABLE = tomllib.loads((Path(__file__).parent / "country_names.toml").read_text(encoding="utf-8"))
ANADOLU = "S-PJZ2YVHP"  # a seeded source
INVENTORY = ["--kind", "inventory", "--system", "igla-s", "--counted", "missiles", "--source", ANADOLU]


def test_the_table_holds_at_least_a_hundred_names_with_refusals() -> None:
    assert len(TABLE["read"]) + len(TABLE["refused"]) >= 100 and len(TABLE["refused"]) >= 25


@pytest.mark.parametrize(("name", "code"), TABLE["read"].items())
def test_a_name_as_reporting_writes_it_is_read_as_one_code(name: str, code: str) -> None:
    assert country_code(name) == code


@pytest.mark.parametrize(("name", "reason"), TABLE["refused"].items())
def test_a_name_that_is_not_exactly_one_country_is_refused_in_one_line(name: str, reason: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        country_code(name, field="counterparty_country")
    message = str(refused.value)
    assert message.startswith(f"counterparty_country: {name!r} ") and reason in message and "\n" not in message


def test_suggestions_are_at_most_three_and_never_taken() -> None:
    with pytest.raises(InvalidValue) as refused:
        country_code("Guinee")
    suggested = str(refused.value).split("did you mean ", 1)[1]
    assert 1 <= suggested.count("(") <= 3


def test_every_iso_code_and_name_reads_back_and_every_shown_name_reads_as_its_code() -> None:
    two = {name_key(key) for key in curated.AMBIGUOUS}  # "Congo" is ISO's name of CG, and refused
    for country in pycountry.countries:
        for text in {country.alpha_2, country.alpha_3, country.name.upper(), country.name.lower()}:
            if name_key(text) not in two:
                assert country_code(text) == country.alpha_2, text
    shown = {c.alpha_2 for c in pycountry.countries} | {c.alpha_4 for c in pycountry.historic_countries} | {"XK"}
    for code in shown:
        if code in {"FQHH"}:  # its ISO name is also TF's (French Southern Territories): refused as two
            continue
        assert country_code(country_name(code)) == code, (code, country_name(code))
        assert country_label(code) == f"{country_name(code)} ({code})"


def test_curated_variants_never_contradict_iso_and_refusals_never_read() -> None:
    for key, code in (curated.VARIANTS | curated.FORMER_VARIANTS).items():
        assert name_key(key) == key, key  # written as it is compared
        assert country_code(key) == code, key
    for key in [*curated.AMBIGUOUS, *curated.RENAMED]:
        with pytest.raises(InvalidValue):
            country_code(key)


def _names(url: str, claim_id: str) -> tuple[str, str, str]:
    with api(url) as client:
        item = client.get(f"/v1/claims/{claim_id}").json()
        page = BeautifulSoup(client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"}).text,
                             "html.parser")  # fmt: skip
        apa = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "apa"}).text
    country = page.find("dt", string="Country").find_next_sibling("dd").get_text(" ", strip=True)
    return item["party_name"], country, apa


def test_claim_list_country_kosovo_returns_only_kosovo(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    kosovo = ok(url, "claim", "add", *INVENTORY, "--country", "Kosovo", "--quantity", "12").stdout.strip()
    serbia = ok(url, "claim", "add", *INVENTORY, "--country", "Serbia", "--quantity", "40").stdout.strip()
    assert read_json(url, "claim", "show", kosovo)["country"] == "XK"
    assert [r["id"] for r in read_json(url, "claim", "list", "--country", "Kosovo")] == [kosovo]
    assert [r["id"] for r in read_json(url, "claim", "list", "--country", "XK")] == [kosovo]
    assert serbia in [r["id"] for r in read_json(url, "claim", "list", "--country", "RS")]
    assert kosovo not in [r["id"] for r in read_json(url, "claim", "list", "--country", "RS")]
    with api(url) as client:
        items = client.get("/v1/claims", params={"country": "Kosovo"}).json()["items"]
    assert [i["id"] for i in items] == [kosovo]
    name, shown, apa = _names(url, kosovo)
    assert (name, shown) == ("Kosovo", "Kosovo (XK)") and "Kosovo holds 12 missiles" in apa


def test_a_former_country_through_the_cli_and_an_import_is_shown_by_name(
    dbs: DatabaseFactory, tmp_path: Path
) -> None:  # fmt: skip
    url = dbs.seeded()
    by_cli = ok(url, "claim", "add", *INVENTORY, "--country", "Soviet Union", "--quantity", "500",
                "--about", "198X").stdout.strip()  # fmt: skip
    record = {"type": "claim", "id": "C-00000301", "kind": "transfer", "system": "igla-s", "counted": "missiles",
              "country": "East Germany", "counterparty_country": "USSR", "scope": "delivered", "value": 20,
              "about": "1985", "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    ok(url, "import", str(path), "--yes")
    assert read_json(url, "claim", "show", by_cli)["country"] == "SUHH"
    imported = read_json(url, "claim", "show", "C-00000301")
    assert (imported["country"], imported["counterparty_country"]) == ("DDDE", "SUHH")
    name, shown, apa = _names(url, by_cli)
    assert (name, shown) == ("Soviet Union", "Soviet Union (SUHH)") and "Soviet Union holds 500 missiles" in apa
    with api(url) as client:
        cited = client.get("/v1/claims/C-00000301/citation", params={"format": "apa"}).text
    assert "Soviet Union delivered 20 missiles of 9K338 Igla-S to East Germany" in cited
    assert [r["id"] for r in read_json(url, "claim", "list", "--country", "USSR")] == [by_cli]
    exported = tmp_path / "out.jsonl"
    ok(url, "export", "--output", str(exported))
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert {(r["country"], r.get("counterparty_country")) for r in rows if r.get("id") == "C-00000301"} == {
        ("DDDE", "SUHH")}  # fmt: skip


def test_a_place_that_is_not_a_country_is_refused_and_the_database_is_unchanged(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    for name, message in [
        ("Donetsk", "error: country: 'Donetsk' is not an ISO 3166 country code or name\n"),
        ("Congo", "error: country: 'Congo' could be Democratic Republic of the Congo (CD) or Republic of the "
                  "Congo (CG): give the code\n"),
    ]:  # fmt: skip
        result = cli(url, "claim", "add", *INVENTORY, "--country", name, "--quantity", "3")
        assert (result.exit_code, result.stderr) == (1, message), explain(result)
    party = cli(url, "claim", "add", *INVENTORY, "--party", "Kurdistan", "--quantity", "3")
    assert party.exit_code == 1 and "'Kurdistan' is neither a country nor a known actor" in party.stderr
    assert state(url) == before


def test_the_migration_widens_the_columns_and_steps_down_only_without_former_countries(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    query = sa.text("SELECT public_id, country, counterparty_country FROM claim ORDER BY id")
    with engine.connect() as connection:
        before = connection.execute(query).all()
    migrate.downgrade(engine, "0013")
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(query).all() == before
    ok(url, "claim", "add", *INVENTORY, "--country", "Yugoslavia", "--quantity", "7")
    with pytest.raises(RuntimeError, match="name a former country"):
        migrate.downgrade(engine, "0013")
    assert schema_version.is_up_to_date(engine)
    engine.dispose()


def test_the_lookup_benchmark_runs_and_prints_its_ratio() -> None:
    script = Path(__file__).resolve().parents[1] / "bench" / "country_lookup.py"
    done = subprocess.run([sys.executable, str(script), "--rounds", "300"], capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert re.search(r"^ratio baseline/lookup: [\d,]+x$", done.stdout, re.MULTILINE), done.stdout
