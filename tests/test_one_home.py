"""One home per display rule: a value, a date, a country and an address read the same in the
CLI's rows, the API's JSON, the citations and the pages."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pycountry
from bs4 import BeautifulSoup

from equipment_db import permalinks
from equipment_db.api.app import create_app
from equipment_db.config import get_settings
from equipment_db.normalize.countries import country_label, country_name
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok, read_json  # noqa: F401  (an autouse fixture)
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

BROWSER = {"accept": "text/html"}


def _soup(client: object, path: str) -> BeautifulSoup:
    response = client.get(path, headers=BROWSER)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def _fact(soup: BeautifulSoup, name: str) -> str:
    dt = soup.find("dt", string=name)
    assert dt is not None, name
    return " ".join(dt.find_next_sibling("dd").get_text().split())


def _range_claim(url: str) -> str:
    """Test System 1's maximum range, 500 to 6,000 m, stated in October 2025, about 2010."""
    engine = engine_for(url)
    try:
        keys = populate(engine)
        return add_claim(engine, keys["source"], kind="specification", attribute="max_range", country=None,
                         value=None, value_low=500, value_high=6000, unit="m", qualifier="range",
                         value_text="between 500 m and 6 km", counted=None, stated="2025-10",
                         about="2010")  # fmt: skip
    finally:
        engine.dispose()


def test_a_range_reads_the_same_in_the_cli_the_api_the_citation_and_the_pages(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    claim_id = _range_claim(url)
    worded = "500 to 6,000 m"
    row = read_json(url, "claim", "list", "--system", "test-system-1")[0]
    table = ok(url, "claim", "list", "--system", "test-system-1").stdout
    with api(url) as client:
        detail = client.get(f"/v1/claims/{claim_id}").json()
        csl = json.loads(client.get(f"/v1/claims/{claim_id}/citation", params={"format": "csl-json"}).text)
        claim_page = _soup(client, f"/v1/claims/{claim_id}")
        system_page = _soup(client, "/v1/systems/test-system-1")
    assert row["value"] == worded and worded in table
    assert detail["value_as_worded"] == worded
    assert f"the maximum range of Test System 1 is {worded} in 2010" in csl[0]["title"]
    assert _fact(claim_page, "Value") == f"{worded} (qualifier: range)"
    assert f"is {worded}" in claim_page.find("h1").get_text(" ", strip=True)
    assert system_page.find("a", href=re.compile(claim_id)).get_text(strip=True) == worded


def test_a_date_reads_the_same_in_the_cli_the_api_the_citation_and_the_pages(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    claim_id = _range_claim(url)
    row = read_json(url, "claim", "list", "--system", "test-system-1")[0]
    with api(url) as client:
        api_row = client.get("/v1/claims", params={"system": "test-system-1"}).json()["items"][0]
        csl = json.loads(client.get(f"/v1/claims/{claim_id}/citation", params={"format": "csl-json"}).text)
        page = _soup(client, f"/v1/claims/{claim_id}")
    assert (row["stated"], row["about"]) == (api_row["stated"], api_row["about"]) == ("2025-10", "2010")
    assert csl[0]["title"].endswith("in 2010, stated in October 2025; unverified")
    assert csl[0]["event-date"] == {"edtf": "2025-10", "date-parts": [[2025, 10]]}
    assert _fact(page, "Stated") == "October 2025 (EDTF 2025-10)"
    assert _fact(page, "About") == "2010 (EDTF 2010)"  # was "2010 to 2010": raw ends compared
    jsonld = json.loads(page.find("script", type="application/ld+json").string)
    assert jsonld["datePublished"] == "2025-10"  # was "2025-10-01": the first day, a false precision
    revised = re.search(r"\(revised (\d{4}-\d{2}-\d{2})\)", csl[0]["note"]).group(1)  # type: ignore[union-attr]
    recorded = page.find("table").find("time").get_text()
    assert recorded.startswith(f"{revised} ") and recorded.endswith(" UTC")
    assert csl[0]["issued"] == {"date-parts": [[int(part) for part in revised.split("-")]]}


def test_every_country_has_one_name_and_the_pages_label_it_with_its_code() -> None:
    codes = sorted(country.alpha_2 for country in pycountry.countries)
    assert [country_label(code) for code in codes] == [f"{country_name(code)} ({code})" for code in codes]
    assert (country_name("VE"), country_label("VE"), country_label("XK"), country_label(None)) == (
        "Venezuela", "Venezuela (VE)", "Kosovo (XK)", "")  # fmt: skip


def test_a_country_reads_the_same_in_the_api_and_on_the_pages(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    _range_claim(url)
    with api(url) as client:
        name = client.get("/v1/countries/FR").json()["name"]
        page = _soup(client, "/v1/systems/test-system-1")
    assert (name, _fact(page, "Origin")) == ("France", "France (FR)")


def test_every_permalink_template_is_a_route_and_every_cited_address_answers(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    claim_id = _range_claim(url)
    engine = engine_for(url)
    routes = create_app(get_settings(url=url), engine).openapi()["paths"]
    engine.dispose()
    assert set(permalinks.TEMPLATES.values()) <= set(routes)
    with api(url) as client:
        source = client.get("/v1/sources").json()["items"][0]["id"]
        entries = {"claim": f"/v1/claims/{claim_id}", "system": "/v1/systems/test-system-1",
                   "source": f"/v1/sources/{source}"}  # fmt: skip
        for name, path in entries.items():
            cited = json.loads(client.get(f"{path}/citation", params={"format": "csl-json"}).text)
            address = cited[0]["URL"] if name != "source" else re.search(r"https://\S+/versions/\d+", cited[0]["note"])[0]  # type: ignore[index]
            assert address.startswith("https://db.example.org/v1/"), address
            answer = client.get(urlsplit(address).path)
            assert (answer.status_code, answer.json()["version"]) == (200, 1), address
            for shown in (path, urlsplit(address).path):  # the entry's page and its version's page
                assert _soup(client, shown).find("link", rel="canonical")["href"] == address, shown
