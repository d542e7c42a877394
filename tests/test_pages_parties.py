"""A country's and an actor's pages: a browser gets a page with the name in words, the
permanent address at the top, what the JSON holds, and links to the claims about or by them;
scripts get the JSON as before. On SQLite and PostgreSQL, with synthetic data."""

from __future__ import annotations

from urllib.parse import quote

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from tests.api_client import api
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
BASE = "https://db.example.org"


def _parties(dbs: DatabaseFactory) -> tuple[str, dict[str, str]]:
    """A new database where France holds Test System 1 (twice, once ranked deprecated) and
    receives it from the Soviet Union (a former country, stored as SUHH); Test Claimant claims
    all three. Its URL, and the three claims' ids."""
    url = dbs.migrated()
    engine = engine_for(url)
    source = populate(engine)["source"]
    transfer = {"kind": "transfer", "counterparty_country": "SU", "scope": "delivered", "value": 10,
                "qualifier": "exact", "value_text": "10 missiles"}  # fmt: skip
    claims = {
        "inventory": add_claim(engine, source),
        "deprecated": add_claim(engine, source, value=90, value_text="at least 90", rank="deprecated"),
        "transfer": add_claim(engine, source, **transfer),
    }
    engine.dispose()
    return url, claims


def _page(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path, headers=BROWSER)
    assert (response.status_code, response.headers["content-type"]) == (200, "text/html; charset=utf-8"), (
        path, response.text[:500])  # fmt: skip
    assert "Accept" in response.headers["vary"].split(", ")
    return BeautifulSoup(response.text, "html.parser")


def _count(client: TestClient, href: str) -> int:
    """How many claims the list at `href` (a page's link) holds: its JSON, every page."""
    assert href.startswith(f"{BASE}/v1/claims?"), href
    url: str | None = href.removeprefix(BASE)
    total = 0
    while url:
        found = client.get(url).json()
        total += len(found["items"])
        url = found["next"] and found["next"].removeprefix(BASE)
    return total


def test_a_country_is_json_for_scripts_and_a_page_naming_it_for_browsers(dbs: DatabaseFactory) -> None:
    url, _ = _parties(dbs)
    with api(url) as client:
        france = client.get("/v1/countries/FR").json()
        assert france == {"code": "FR", "name": "France", "claims_as_subject": {"inventory": 1, "transfer": 1},
                          "claims_as_counterparty": {},
                          "systems": [{"slug": "test-system-1", "name": "Test System 1", "quantity_claims": 2,
                                       "url": f"{BASE}/v1/systems/test-system-1"}]}  # fmt: skip
        assert client.get("/v1/countries/FR", headers={"accept": "application/json"}).json() == france

        soup = _page(client, "/v1/countries/France")  # asked for by name: the permalink names the code
        assert soup.h1.get_text() == "France" and soup.title.get_text() == "France · equipment-db"
        top = soup.find(class_="permalink")
        assert top.a["href"] == top.a.get_text() == f"{BASE}/v1/countries/FR"
        assert top.find_previous("h1") is soup.h1  # right under the heading
        assert soup.find("link", rel="canonical")["href"] == f"{BASE}/v1/countries/FR"
        party = {a.get_text(): a["href"] for a in soup.find(id="as-party").find_next("ul").find_all("a")}
        assert party == {"1 inventory claim": f"{BASE}/v1/claims?country=FR&kind=inventory",
                         "1 transfer claim": f"{BASE}/v1/claims?country=FR&kind=transfer"}  # fmt: skip
        for text, href in party.items():
            assert _count(client, href) == int(text.split()[0]), href  # the deprecated one is not counted
        everything = soup.find("a", string="All 2 claims naming France as the party")["href"]
        assert _count(client, everything) == 2
        assert soup.find(id="as-counterparty").find_next("p").get_text() == "None."
        row = soup.find(id="systems").find_next("tbody").find("tr")
        links = {a.get_text(): a["href"] for a in row.find_all("a")}
        assert links == {"Test System 1": f"{BASE}/v1/systems/test-system-1",
                         "over time": f"{BASE}/v1/systems/test-system-1/timeline?country=FR",
                         "every claim about Test System 1 in France":
                             f"{BASE}/v1/claims?country=FR&system=test-system-1"}  # fmt: skip
        for href in links.values():
            assert client.get(href.removeprefix(BASE), headers=BROWSER).status_code == 200, href
        assert "FR" not in soup.h1.get_text() + soup.find(id="as-party").get_text()  # names in words, not codes

        # A former country by its name, its ISO 3166-3 code given once.
        soup = _page(client, "/v1/countries/SU")
        assert soup.h1.get_text() == "Soviet Union"
        assert soup.find(class_="permalink").a["href"] == f"{BASE}/v1/countries/SUHH"
        counter = soup.find(id="as-counterparty").find_next("ul").find("a")
        assert (counter.get_text(), counter["href"]) == ("1 transfer claim",
                                                         f"{BASE}/v1/claims?counterparty=SUHH&kind=transfer")
        assert _count(client, counter["href"]) == 1
        assert client.get("/v1/countries/XX", headers=BROWSER).status_code == 404


def test_an_actor_is_json_for_scripts_and_a_page_with_their_claims_for_browsers(dbs: DatabaseFactory) -> None:
    url, claims = _parties(dbs)
    address = f"/v1/actors/{quote('Test Claimant')}"
    with api(url) as client:
        found = client.get(address).json()
        assert sorted(found) == ["api_url", "claims", "claims_total", "claims_url", "country", "created_at",
                                 "description", "kind", "name", "retracted_at", "retraction_reason", "role",
                                 "updated_at", "version", "wikidata_qid"]  # fmt: skip
        assert (found["name"], found["kind"], found["country"], found["claims_total"]) == (
            "Test Claimant", "person", "FR", 3)
        assert [c["id"] for c in found["claims"]] == [claims["inventory"], claims["deprecated"], claims["transfer"]]

        soup = _page(client, address)
        assert soup.h1.get_text() == "Test Claimant"
        assert soup.find(class_="muted").get_text() == "Actor · person"
        top = soup.find(class_="permalink")
        assert top.a["href"] == top.a.get_text() == f"{BASE}/v1/actors/Test%20Claimant" == found["api_url"]
        facts = {dt.get_text(): dt.find_next_sibling("dd") for dt in soup.find("dl", class_="facts").find_all("dt")}
        assert facts["Country"].get_text() == "France (FR)"
        assert facts["Country"].a["href"] == f"{BASE}/v1/countries/FR"
        assert _page(client, facts["Country"].a["href"].removeprefix(BASE)).h1.get_text() == "France"
        rows = soup.find(id="claims").find_next("tbody").find_all("tr")
        assert [r.a.get_text() for r in rows] == [c["id"] for c in found["claims"]]
        assert [r.find_all("td")[2].get_text() for r in rows] == [c["value_as_worded"] for c in found["claims"]]
        for row in rows:
            assert _page(client, row.a["href"].removeprefix(BASE)).find("code").get_text() == row.a.get_text()
        every = soup.find("a", string="All 3 claims by Test Claimant, with filters")["href"]
        assert every == found["claims_url"] and _count(client, every) == 3
        assert client.get("/v1/actors/Nobody%20Known", headers=BROWSER).status_code == 404


def test_a_claim_page_leads_to_its_claimants_and_countries_pages(dbs: DatabaseFactory) -> None:
    url, claims = _parties(dbs)
    with api(url) as client:
        soup = _page(client, f"/v1/claims/{claims['transfer']}")
        facts = {dt.get_text(): dt.find_next_sibling("dd") for dt in soup.find(id="claim").find_next("dl").find_all("dt")}
        links = {name: facts[name].a["href"] for name in ("Recipient", "Supplier", "Claimant")}
        assert links == {"Recipient": "/v1/countries/FR", "Supplier": "/v1/countries/SUHH",
                         "Claimant": "/v1/actors/Test%20Claimant"}  # fmt: skip
        assert [_page(client, href).h1.get_text() for href in links.values()] == [
            "France", "Soviet Union", "Test Claimant"]
        old = _page(client, f"/v1/claims/{claims['transfer']}/versions/1")  # a version names, as it was: no link
        claimant = old.find("dt", string="Claimant").find_next_sibling("dd")
        assert claimant.get_text() == "Test Claimant" and claimant.a is None
