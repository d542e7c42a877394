"""Pages for finding things: the home page at `/`, the lists with their filter forms and
pages, search results by type, and the Atom feeds of changed claims; the JSON at the same
addresses is the API's as before. On SQLite and PostgreSQL; pages parsed with BeautifulSoup,
feeds with xml.etree."""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from tests.api_client import api, statements
from tests.dbs import DatabaseFactory, engine_for

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
BASE = "https://db.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
MADURO = "C-YSESYR2E"
EDIT = Edit("test-editor", "test: a second version")
LISTS = {"/v1/systems": "list_systems", "/v1/claims": "list_claims", "/v1/sources": "list_sources",
         "/v1/actors": "list_actors", "/v1/countries": "list_countries"}  # fmt: skip
NEW_PAGES = ["/", *LISTS, "/v1/claims?system=igla-s&kind=transfer", "/v1/search?q=igla"]


def _page(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path, headers=BROWSER)
    assert (response.status_code, response.headers["content-type"]) == (200, "text/html; charset=utf-8"), (
        path, response.text[:500])  # fmt: skip
    return BeautifulSoup(response.text, "html.parser")


def _local(url: str) -> str:
    assert url.startswith(BASE), url
    return url.removeprefix(BASE)


def _db_counts(url: str) -> dict[str, int]:
    engine = engine_for(url)
    with engine.connect() as connection:
        def count(sql: str) -> int:
            return connection.execute(sa.text(sql)).scalar_one()

        found = {name: count(f"SELECT count(*) FROM {table} WHERE retracted_at IS NULL")
                 for name, table in (("systems", "system"), ("claims", "claim"), ("sources", "source"),
                                     ("actors", "actor"))}  # fmt: skip
        found["countries"] = count(
            "SELECT count(*) FROM (SELECT country AS c FROM claim WHERE retracted_at IS NULL AND country IS NOT NULL "
            "UNION SELECT counterparty_country FROM claim WHERE retracted_at IS NULL "
            "AND counterparty_country IS NOT NULL) AS named")  # fmt: skip
    engine.dispose()
    return found


def _edit_and_retract(url: str) -> None:
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, MADURO, ClaimUpdate(note="test: checked again"), edit=EDIT)
        claim_service.retract_claim(session, "C-NMEBRWCC", edit=Edit("test-editor", "test: entered twice"))
    engine.dispose()


def test_the_home_page_counts_what_the_database_holds_and_links_the_lists(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _edit_and_retract(url)
    expected = _db_counts(url)
    with api(url) as client:
        index = client.get("/")
        soup = _page(client, "/")
    assert index.status_code == 200 and index.headers["content-type"] == "application/json"
    assert index.json()["holdings"] == expected
    assert expected["claims"] == 38 and expected["countries"] == 3  # 39 seeded, one retracted here
    assert index.json()["links"] | {} == {
        "systems": f"{BASE}/v1/systems", "claims": f"{BASE}/v1/claims", "sources": f"{BASE}/v1/sources",
        "actors": f"{BASE}/v1/actors", "countries": f"{BASE}/v1/countries", "search": f"{BASE}/v1/search",
        "changes": f"{BASE}/v1/changes.atom", "meta": f"{BASE}/v1/meta", "docs": f"{BASE}/docs",
        "openapi": f"{BASE}/openapi.json"}  # fmt: skip
    shown = {a["href"].rsplit("/", 1)[1]: int(a.find("strong").get_text().replace(",", ""))
             for a in soup.find(id="holdings").find_all("a")}  # fmt: skip
    assert shown == expected
    form = soup.find("form", role="search")
    assert (form["method"], form["action"]) == ("get", "/v1/search")
    assert form.find("input", id="q")["name"] == "q" and soup.find("label", attrs={"for": "q"})
    feed = soup.find("link", rel="alternate", type="application/atom+xml")
    assert feed["href"] == f"{BASE}/v1/changes.atom"


def test_the_home_page_lists_the_latest_new_revised_and_retracted_claims(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _edit_and_retract(url)
    with api(url) as client:
        changes = _page(client, "/").find(id="changes").find_all("li")
    first, second = (li.find("a") for li in changes[:2])
    assert first.get_text() == "Retracted claim C-NMEBRWCC (version 2)"
    assert first["href"] == f"{BASE}/v1/claims/C-NMEBRWCC/versions/2"
    assert second.get_text() == f"Revised claim {MADURO} (version 2)"
    assert "test: a second version" in changes[1].get_text()
    assert len(changes) == 10 and all(li.find("a").get_text().startswith("New claim") for li in changes[2:])


def _json_pages(client: TestClient, path: str) -> list[dict[str, Any]]:
    pages = [client.get(path).json()]
    while pages[-1]["next"]:
        pages.append(client.get(_local(pages[-1]["next"])).json())
    return pages


@pytest.mark.parametrize("path", ["/v1/claims?system=igla-s&kind=transfer&limit=2", "/v1/systems?limit=1",
                                  "/v1/sources?kind=news_article&limit=5", "/v1/actors?limit=4",
                                  "/v1/countries?limit=2"])  # fmt: skip
def test_a_list_page_shows_the_json_rows_and_its_next_page_link_is_the_json_next(
    dbs: DatabaseFactory, path: str
) -> None:
    with api(dbs.seeded()) as client:
        pages = _json_pages(client, path)
        assert len(pages) > 1, "the limit is small enough for a second page"
        at = path
        for number, data in enumerate(pages):
            soup = _page(client, at)
            rows = soup.find("table").find("tbody").find_all("tr")
            assert len(rows) == len(data["items"]), (at, number)
            names = [r.find("td").find("a").get_text() for r in rows]
            wanted = [i.get("id") or i.get("name") or i.get("title") for i in data["items"]]
            if "/v1/sources" in path:
                wanted = [i["title"] or i["publisher"] or i["id"] for i in data["items"]]
            assert names == wanted, at
            link = soup.find("a", rel="next")
            assert (link["href"] if link else None) == data["next"], at
            assert link is None or link.get_text() == "Next page"
            if link:
                at = _local(link["href"])


def test_list_forms_use_the_api_parameter_names_and_keep_the_filters_in_force(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        spec = client.get("/openapi.json").json()["paths"]
        for path in LISTS:
            soup = _page(client, path)
            form = soup.find("main").find("form")
            if path == "/v1/countries":
                assert form is None  # no filters: the list is short
                continue
            assert (form["method"], form["action"]) == ("get", path)
            parameters = {p["name"] for p in spec[path]["get"]["parameters"] if p["in"] == "query"}
            fields = [f for f in form.find_all(["input", "select"]) if f.get("type") != "hidden"]
            assert fields and {f["name"] for f in fields} <= parameters, path
            for field in fields:  # every field has a label
                assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True), (path, field)
        soup = _page(client, "/v1/claims?system=igla-s&kind=transfer&include_deprecated=true&party=VE")
    form = soup.find("main").find("form")
    assert form.find("input", attrs={"name": "system"})["value"] == "igla-s"
    assert form.find("select", attrs={"name": "kind"}).find("option", selected=True)["value"] == "transfer"
    assert form.find("input", attrs={"name": "include_deprecated"}).has_attr("checked")
    assert form.find("input", type="hidden", attrs={"name": "party"})["value"] == "VE"  # no field of its own
    assert soup.find("a", string="Clear the filters")["href"] == "/v1/claims"


def test_a_form_sent_with_empty_fields_goes_once_to_the_address_without_them(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        sent = client.get("/v1/claims?text=&system=igla-s&kind=&status=&include_retracted=true", headers=BROWSER,
                          follow_redirects=False)  # fmt: skip
        bare = client.get("/v1/claims?kind=", headers=BROWSER, follow_redirects=False)
        script = client.get("/v1/claims?kind=")
    assert (sent.status_code, sent.headers["location"]) == (303, "/v1/claims?system=igla-s&include_retracted=true")
    assert (bare.status_code, bare.headers["location"]) == (303, "/v1/claims")
    assert script.status_code == 422 and script.json()["parameter"] == "kind"  # the API's answer, as before


def test_json_at_the_page_addresses_is_the_api_answer(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in [*LISTS, "/v1/claims?system=igla-s&kind=transfer", "/v1/search?q=igla", "/"]:
            plain = client.get(path)
            asked = client.get(path, headers={"accept": "application/json"})
            page = client.get(path, headers=BROWSER)
            assert plain.headers["content-type"] == asked.headers["content-type"] == "application/json", path
            assert plain.json() == asked.json(), path
            assert page.headers["content-type"] == "text/html; charset=utf-8", path
            assert "Accept" in page.headers["vary"] and "Accept" in plain.headers["vary"], path
            assert page.headers["cache-control"] == "no-cache" and page.headers["etag"], path
            assert "frame-ancestors 'none'" in page.headers["content-security-policy"], path
            assert page.headers["x-content-type-options"] == "nosniff", path
        claims = client.get("/v1/claims?system=igla-s&kind=transfer&limit=2").json()
    assert sorted(claims) == ["items", "limit", "next"]
    assert [c["id"] for c in claims["items"]] == ["C-GEPDCDFB", "C-6MP0SGJ6"]
    assert sorted(claims["items"][0]) == ["about", "citations", "claimant", "counterparty", "country", "id", "kind",
                                          "party", "retracted", "stated", "status", "subject", "url", "value"]  # fmt: skip


def test_the_countries_list_counts_the_claims_naming_each_country(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with engine.connect() as connection:
        def counts(column: str) -> dict[str, int]:
            rows = connection.execute(sa.text(f"SELECT {column}, count(*) FROM claim WHERE retracted_at IS NULL "
                                              f"AND {column} IS NOT NULL GROUP BY {column}"))  # fmt: skip
            return dict(rows.all())

        party, counterparty = counts("country"), counts("counterparty_country")
    engine.dispose()
    with api(url) as client:
        rows = [row for page in _json_pages(client, "/v1/countries?limit=1") for row in page["items"]]
        soup = _page(client, "/v1/countries")
    assert [r["code"] for r in rows] == sorted(set(party) | set(counterparty))
    for row in rows:
        assert (row["claims"], row["claims_as_counterparty"]) == (party.get(row["code"], 0),
                                                                 counterparty.get(row["code"], 0))  # fmt: skip
        assert row["url"] == f"{BASE}/v1/countries/{row['code']}"
    venezuela = soup.find("a", string="Venezuela")
    assert venezuela["href"] == f"{BASE}/v1/claims?country=VE"


def test_search_results_are_grouped_by_type_best_match_first(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        found = client.get("/v1/search?q=igla").json()
        soup = _page(client, "/v1/search?q=igla")
        claims_only = _page(client, "/v1/search?q=igla&types=claim")
    assert soup.find("h1").get_text() == "Search results for “igla”"
    assert soup.find("input", id="q")["value"] == "igla"
    groups = [h.get_text(" ", strip=True) for h in soup.find_all("h2") if h.get("id", "").startswith("group-")]
    by_type = {t: [h for h in found["items"] if h["type"] == t] for t in ("system", "claim", "source")}
    assert groups == [f"{title} ({len(by_type[t])})" for t, title in
                      (("system", "Systems"), ("claim", "Claims"), ("source", "Sources"))]  # fmt: skip
    assert by_type["system"] and by_type["claim"]
    for kind, hits in by_type.items():
        listed = soup.find(id=f"group-{kind}").find_next("ol")
        links = [li.find("a")["href"] for li in listed.find_all("li")] if hits else []
        assert links == [h["url"] for h in hits], kind
    assert soup.find(id="group-system").find_next("mark").get_text().lower().startswith("igla")
    assert [h["id"] for h in claims_only.find_all("h2") if h.get("id", "").startswith("group-")] == ["group-claim"]


def _feed(client: TestClient, path: str) -> ET.Element:
    response = client.get(path)
    assert (response.status_code, response.headers["content-type"]) == (200, "application/atom+xml"), response.text
    return ET.fromstring(response.content)


def _entries(feed: ET.Element) -> list[dict[str, str]]:
    return [{"id": e.findtext(f"{ATOM}id"), "title": e.findtext(f"{ATOM}title"), "updated": e.findtext(f"{ATOM}updated"),
             **{link.get("rel"): link.get("href") for link in e.findall(f"{ATOM}link")}}
            for e in feed.findall(f"{ATOM}entry")]  # fmt: skip


def _claim_revisions(url: str, system: str | None = None) -> list[tuple[str, int]]:
    engine = engine_for(url)
    where = "" if system is None else ("AND entity_id IN (SELECT claim.id FROM claim JOIN system ON system.id = "
                                       f"claim.system_id WHERE system.slug = '{system}')")  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT entity_key, version FROM revision WHERE entity_type = 'claim' {where} "
                                          "ORDER BY created_at DESC, id DESC")).all()  # fmt: skip
    engine.dispose()
    return [tuple(r) for r in rows]


def test_the_atom_feeds_hold_the_latest_claim_versions_with_stable_ids(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    _edit_and_retract(url)
    with api(url) as client:
        overall = _feed(client, "/v1/changes.atom")
        igla = _feed(client, "/v1/systems/igla-s/changes.atom")
        by_alias = _feed(client, "/v1/systems/SA-24/changes.atom?limit=3")
        home = _page(client, "/")
        system_page = _page(client, "/v1/systems/igla-s")
    assert overall.findtext(f"{ATOM}id") == f"{BASE}/v1/changes.atom"
    assert igla.findtext(f"{ATOM}id") == f"{BASE}/v1/systems/igla-s/changes.atom"
    assert overall.find(f"{ATOM}author").findtext(f"{ATOM}name") == "equipment-db"
    for feed, system in ((overall, None), (igla, "igla-s")):
        expected = _claim_revisions(url, system)[:50]
        entries = _entries(feed)
        assert [(e["id"], e["alternate"]) for e in entries] == [
            (f"{BASE}/v1/claims/{key}/versions/{v}",) * 2 for key, v in expected]  # fmt: skip
        assert [e["related"] for e in entries] == [f"{BASE}/v1/claims/{key}" for key, _ in expected]
        assert feed.findtext(f"{ATOM}updated") == max(e["updated"] for e in entries)
        assert all(e["updated"].endswith("Z") for e in entries)
    first, second = _entries(overall)[:2]
    assert (first["title"], second["title"]) == ("Retracted claim C-NMEBRWCC (version 2)",
                                                 f"Revised claim {MADURO} (version 2)")  # fmt: skip
    assert len(_entries(igla)) < len(_entries(overall))
    assert [e["id"] for e in _entries(by_alias)] == [e["id"] for e in _entries(igla)[:3]]
    for soup, href in ((home, f"{BASE}/v1/changes.atom"), (system_page, f"{BASE}/v1/systems/igla-s/changes.atom")):
        assert soup.find("link", rel="alternate", type="application/atom+xml")["href"] == href


def test_a_feed_of_a_system_without_claims_is_valid_and_empty(engine: sa.Engine, dbs: DatabaseFactory) -> None:
    from tests.factories import populate

    populate(engine)
    url = str(engine.url.render_as_string(hide_password=False))
    with api(url) as client:
        systems = client.get("/v1/systems").json()["items"]
        feed = _feed(client, f"/v1/systems/{systems[0]['slug']}/changes.atom")
        missing = client.get("/v1/systems/no-such-system/changes.atom")
    assert feed.findall(f"{ATOM}entry") == [] and feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    assert missing.status_code == 404 and missing.json()["parameter"] == "key"


def test_the_new_pages_are_accessible_in_structure(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in NEW_PAGES:
            soup = _page(client, path)
            assert len(soup.find_all("h1")) == 1, path
            levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
            assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
            assert soup.find("header") and soup.find("main", id="main") and soup.find("footer"), path
            assert soup.find("nav", attrs={"aria-label": "Site"}).find("a", string="Claims"), path
            for field in soup.find_all(["input", "select"]):
                if field.get("type") != "hidden":
                    assert soup.find("label", attrs={"for": field["id"]}), (path, field)
            assert not soup.find_all(style=True) and not soup.find_all("style"), path
            assert all(s.get("src") for s in soup.find_all("script")), path  # no inline script
            for table in soup.find_all("table"):
                assert table.find("th", scope="col"), path


def test_the_new_pages_read_a_bounded_number_of_statements(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    for path in ("/", "/v1/claims?limit=50", "/v1/countries", "/v1/changes.atom", "/v1/systems/igla-s/changes.atom"):
        assert statements(url, path, BROWSER) <= 12, path


def test_links_come_from_the_public_url_not_the_host_header(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        page = client.get("/v1/claims?limit=1", headers=BROWSER | {"host": "evil.example.org"})
        feed = client.get("/v1/changes.atom", headers={"host": "evil.example.org"})
    assert "evil.example.org" not in page.text and "evil.example.org" not in feed.text
    soup = BeautifulSoup(page.text, "html.parser")
    assert dict(parse_qsl(urlsplit(soup.find("a", rel="next")["href"]).query))["limit"] == "1"


def test_actor_and_system_pages_lead_to_the_claims_they_name(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        actors = client.get("/v1/actors").json()["items"]
        link = _page(client, "/v1/actors").find("a", string=actors[0]["name"])["href"]
        made = client.get(_local(link)).json()["items"]
        every = _page(client, "/v1/systems/igla-s").find("a", string="Every claim about it")["href"]
        about = [c for page in _json_pages(client, _local(every)) for c in page["items"]]
    assert made and {c["claimant"] for c in made} == {actors[0]["name"]}
    assert every == f"{BASE}/v1/claims?system=igla-s"
    assert about and {c["subject"] for c in about} == {"igla-s"}
