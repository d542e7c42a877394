"""Each example of the issue "Who, when and what kind" that the model could not hold, entered the
way an editor would, once through `claim add` and once through an import, and read back through
the API, the claim page and an APA citation, on both engines. The deeper tests of each part
are in test_countries, test_parties_scopes_stance, test_edtf, test_claim_links and
test_claimants_quotes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from tests.api_client import api
from tests.cli_helpers import _dispose_engines, cli, explain, ok, state  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory

ANADOLU = "S-PJZ2YVHP"  # a seeded source
GROUP, ALLIANCE = "Test Armed Group", "Test Alliance"
BASE = {"system": "igla-s", "counted": "missiles"}

# (name, the fields an editor gives, what the API says, what the page says (term -> text), what APA says)
EXAMPLES: list[tuple[str, dict[str, str], dict[str, Any], dict[str, str], str]] = [
    ("Kosovo is Kosovo, not Serbia",
     {"kind": "inventory", "party": "Kosovo", "value": "12"},
     {"country": "XK", "party_name": "Kosovo"}, {"Country": "Kosovo (XK)"}, "Kosovo holds 12 missiles"),
    ("a non-state recipient, its supplier unknown",
     {"kind": "transfer", "party": f"actor:{GROUP}", "counterparty": "unknown", "scope": "delivered", "value": "40"},
     {"party": f"actor:{GROUP}", "counterparty": "unknown"}, {"Recipient": GROUP, "Supplier": "unknown"},
     f"An unknown party delivered 40 missiles of 9K338 Igla-S to {GROUP}"),
    ("an international organisation holds",
     {"kind": "inventory", "party": f"actor:{ALLIANCE}", "value": "300"},
     {"party_name": ALLIANCE}, {"Party": ALLIANCE}, f"{ALLIANCE} holds 300 missiles"),
    ("the Soviet Union supplies, in the 1980s",
     {"kind": "transfer", "party": "East Germany", "counterparty": "Soviet Union", "scope": "delivered",
      "value": "20", "about": "the 1980s"},
     {"country": "DDDE", "counterparty_country": "SUHH", "about": "198X"}, {"Recipient": "East Germany (DDDE)"},
     "Soviet Union delivered 20 missiles of 9K338 Igla-S to East Germany"),
    ("a pledge is a pledge, not an order",
     {"kind": "transfer", "party": "UA", "counterparty": "DE", "scope": "pledged", "value": "2,700"},
     {"scope": "pledged"}, {}, "Germany pledged 2,700 missiles of 9K338 Igla-S to Ukraine"),
    ("a denial, with no number",
     {"kind": "transfer", "party": "UA", "counterparty": "DE", "scope": "delivered", "stance": "denies"},
     {"stance": "denies", "value": None}, {}, "denied that Germany delivered any missiles of 9K338 Igla-S to Ukraine"),
    ("since February, as of 27 July",
     {"kind": "transfer", "party": "UA", "counterparty": "DE", "scope": "delivered", "value": "1,400",
      "about": "since February 2022", "stated": "27 July 2022"},
     {"about": "2022-02/..", "stated": "2022-07-27"}, {}, "since February 2022"),
    ("since 1997",
     {"kind": "inventory", "party": "VE", "value": "5,000", "about": "since 1997"},
     {"about": "1997/.."}, {}, "since 1997"),
]  # fmt: skip
REFUSED = [  # (name, fields, the one line that refuses it)
    ("Donetsk is not Ukraine", {"kind": "inventory", "country": "Donetsk", "value": "3"},
     "country: 'Donetsk' is not an ISO 3166 country code or name"),
    ("Abkhazia is not Georgia", {"kind": "inventory", "country": "Abkhazia", "value": "3"},
     "country: 'Abkhazia' is not an ISO 3166 country code or name"),
    ("Kurdistan is not Iraq, and no actor of that name exists", {"kind": "inventory", "party": "Kurdistan", "value": "3"},
     "party: 'Kurdistan' is neither a country nor a known actor"),
    ("a pledge cannot be stored without its scope",
     {"kind": "transfer", "party": "UA", "counterparty": "DE", "value": "2,700"}, "a pledge is not an order"),
]  # fmt: skip


def _setup(url: str) -> None:
    ok(url, "actor", "add", GROUP, "--kind", "armed_force")
    ok(url, "actor", "add", ALLIANCE, "--kind", "international_organisation")


def _by_cli(url: str, fields: dict[str, str]) -> Any:
    options = [part for key, value in (BASE | fields).items() for part in (f"--{key}", value)]
    return cli(url, "claim", "add", *options, "--source", ANADOLU)


def _by_import(url: str, fields: dict[str, str], tmp_path: Path, claim_id: str) -> Any:
    record = {"type": "claim", "id": claim_id, **BASE, **fields,
              "citations": [{"source": ANADOLU, "quote": "Test quote."}]}  # fmt: skip
    path = tmp_path / f"{claim_id}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return cli(url, "import", str(path), "--yes")


def _read_back(url: str, claim_id: str) -> tuple[dict[str, Any], BeautifulSoup, str]:
    with api(url) as client:
        item = client.get(f"/v1/claims/{claim_id}").json()
        page = BeautifulSoup(client.get(f"/v1/claims/{claim_id}", headers={"accept": "text/html"}).text,
                             "html.parser")  # fmt: skip
        apa = client.get(f"/v1/claims/{claim_id}/citation", params={"format": "apa"}).text
    return item, page, apa


@pytest.mark.parametrize("way", ["cli", "import"])
def test_each_example_is_stored_as_its_source_said_and_read_back_everywhere(
    dbs: DatabaseFactory, tmp_path: Path, way: str
) -> None:  # fmt: skip
    url = dbs.seeded()
    _setup(url)
    for number, (name, fields, said, shown, cited) in enumerate(EXAMPLES, start=1):
        if way == "cli":
            result = _by_cli(url, fields)
            assert result.exit_code == 0, (name, explain(result))
            claim_id = result.stdout.strip()
        else:
            claim_id = f"C-0000{number:04d}"
            result = _by_import(url, fields, tmp_path, claim_id)
            assert result.exit_code == 0, (name, explain(result))
        item, page, apa = _read_back(url, claim_id)
        assert {key: item.get(key) for key in said} == said, name
        for term, text in shown.items():
            dt = page.find("dt", string=term)
            assert dt is not None, (name, term)
            assert dt.find_next_sibling("dd").get_text(" ", strip=True) == text, name
        assert cited in apa, (name, apa)


@pytest.mark.parametrize("way", ["cli", "import"])
def test_each_refused_example_says_why_in_one_line_and_writes_nothing(
    dbs: DatabaseFactory, tmp_path: Path, way: str
) -> None:  # fmt: skip
    url = dbs.seeded()
    _setup(url)
    before = state(url)
    for name, fields, message in REFUSED:
        result = _by_cli(url, fields) if way == "cli" else _by_import(url, fields, tmp_path, "C-00000999")
        assert result.exit_code == 1 and message in result.stderr, (name, explain(result))
        assert state(url) == before, name
