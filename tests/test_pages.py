"""Entry pages: browsers get HTML at the API's own permanent addresses, everything else JSON.

Parsed with BeautifulSoup; the browser-driven tests are in test_pages_browser.py."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate, ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.pages.negotiate import prefers_html
from equipment_db.pages.render import RenderedCitations
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceUpdate
from tests.api_client import api, statements
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import add_claim, populate

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
MADURO = "C-YSESYR2E"
ANADOLU = "S-PJZ2YVHP"
EDIT = Edit("test-editor", "test edit")
PAGES = [f"/v1/claims/{MADURO}", f"/v1/claims/{MADURO}/versions/1", "/v1/systems/igla-s",
         "/v1/systems/igla-s/versions/1", f"/v1/sources/{ANADOLU}", f"/v1/sources/{ANADOLU}/versions/1",
         "/v1/compare?systems=igla-s,stinger", "/v1/timeline?system=igla-s&country=VE",
         "/v1/systems/igla-s/timeline?country=VE"]  # fmt: skip


def _page(client: TestClient, path: str) -> BeautifulSoup:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return BeautifulSoup(response.text, "html.parser")


def _jsonld(soup: BeautifulSoup) -> dict[str, Any]:
    return json.loads(soup.find("script", type="application/ld+json").string)


def _text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def _fact(soup: BeautifulSoup, name: str) -> str:
    """The text of the <dd> after the <dt> `name`."""
    dt = soup.find("dt", string=name)
    assert dt is not None, name
    return " ".join(dt.find_next_sibling("dd").get_text().split())


@pytest.mark.parametrize(("accept", "html_wanted"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium, Firefox
    ("text/html", True),
    ("application/json", False),
    ("*/*", False),  # curl, httpx, scripts: the JSON the API always gave
    ("", False),
    ("application/json, text/html;q=0.9", False),
    ("text/html;q=0.5, application/json;q=0.9", False),
    ("application/json;q=0.5, text/html", True),
    ("text/*", True),  # only text is acceptable: JSON is not
    ("text/html;q=0, */*", False),
    ("text/html;q=bogus, */*;q=0.1", False),
])  # fmt: skip
def test_html_is_served_only_when_it_ranks_above_json(accept: str, html_wanted: bool) -> None:
    assert prefers_html(accept) is html_wanted


def test_every_page_address_answers_a_browser_with_html_and_anyone_else_with_json(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in PAGES:
            page = client.get(path, headers=BROWSER)
            assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8"), path
            assert "Accept" in page.headers["vary"]
            data = client.get(path, headers={"accept": "application/json"})
            plain = client.get(path)
            assert data.headers["content-type"] == "application/json", path
            assert data.json() == plain.json(), path
            assert "Accept" in data.headers["vary"]
            assert page.headers["etag"] != data.headers["etag"]
            soup = BeautifulSoup(page.text, "html.parser")
            assert soup.html["lang"] == "en" and soup.find("h1").get_text(strip=True), path
            assert soup.find("link", rel="alternate")["href"].endswith(path.split("?")[0]) or "?" in path


def test_the_claim_page_shows_the_claim_its_words_sources_chain_and_assessment(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, f"/v1/claims/{MADURO}")
        claim = client.get(f"/v1/claims/{MADURO}").json()
        apa = client.get(f"/v1/claims/{MADURO}/citation", params={"format": "apa"}).text
    assert soup.find("h1").get_text(" ", strip=True) == (
        "Nicolás Maduro (President of Venezuela) claimed that Venezuela has deployed at least 5,000 missiles of "
        "9K338 Igla-S (across its territory), stated on 22 October 2025; unverified.")  # fmt: skip
    assert _fact(soup, "Value") == "at least 5,000 (qualifier: at least)"
    assert _fact(soup, "In the source's words") == "“no less than 5,000”"
    assert _fact(soup, "Counting basis") == "counts missiles, deployed"
    assert _fact(soup, "Stated") == "22 October 2025 (EDTF 2025-10-22)"
    assert _fact(soup, "Country") == "Venezuela (VE)"
    assert _fact(soup, "Claimant") == "Nicolás Maduro (President of Venezuela)"
    assert _fact(soup, "Status") == f"unverified: {claim['verification_note']}"
    assert _fact(soup, "Grading") == "not graded"
    quotes = [q.get_text(strip=True) for q in soup.find_all("blockquote")]
    assert quotes == [c["quote"] for c in claim["citations"]]
    chain = [li.get_text(" ", strip=True) for li in soup.find("ol", class_="chain").find_all("li")]
    assert chain == ["CNN", "Anadolu Agency (where it was read)"]
    assert soup.find("a", string="Anadolu Agency")["href"].endswith(f"/v1/sources/{ANADOLU}")
    related = [li.get_text(" ", strip=True) for li in soup.find(id="related").find_next("ul").find_all("li")]
    assert len(related) == 4 and all(r.startswith("Same statement as C-") for r in related)
    assert html.unescape(soup.find(id="cite-apa").get_text()) == apa
    assert [b.get_text() for b in soup.find_all("button", class_="copy")] == [
        "Copy APA", "Copy Chicago", "Copy MLA", "Copy BibTeX", "Copy RIS", "Copy CSL-JSON"]  # fmt: skip
    assert _jsonld(soup)["@type"] == "Claim"  # unverified: not yet a review


def test_every_citation_format_on_the_page_is_the_api_citation_of_the_version(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, f"/v1/claims/{MADURO}")
        for fmt in ("apa", "chicago", "mla", "bibtex", "ris", "csl-json"):
            expected = client.get(f"/v1/claims/{MADURO}/citation", params={"format": fmt, "version": 1}).text
            assert soup.find(id=f"cite-{fmt}").get_text() == expected, fmt


def test_an_assessed_claim_embeds_a_claimreview_equal_to_the_api_one(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, "/v1/claims/C-RZ15HDBW")
        review = client.get("/v1/claims/C-RZ15HDBW/claimreview").json()
    assert _jsonld(soup) == review
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "Corroborated"


def _edited_retracted_and_superseded(url: str) -> dict[str, str]:
    engine = engine_for(url)
    keys = populate(engine)
    first = add_claim(engine, keys["source"])
    replacement = add_claim(engine, keys["source"], value=120, value_text="at least 120")
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, first, ClaimUpdate(value=110, value_text="at least 110",
                                                               note="<script>alert(1)</script>"),
                                   edit=Edit("test-editor", "the report was corrected"))  # fmt: skip
        claim_service.create_link(session, ClaimLinkCreate(from_claim=replacement, to_claim=first,
                                                           kind="supersedes", note="a later count"), edit=EDIT)  # fmt: skip
        claim_service.retract_claim(session, first, edit=Edit("test-editor", "counted twice"))
        source_service.update_source(session, keys["source"], SourceUpdate(
            archive_url="https://web.archive.org/web/2025/https://example.org/report-1"), edit=EDIT)  # fmt: skip
    engine.dispose()
    return {"first": first, "replacement": replacement, "source": keys["source"]}


def test_an_old_version_says_which_it_is_and_links_to_the_latest(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    keys = _edited_retracted_and_superseded(url)
    with api(url) as client:
        old = _page(client, f"/v1/claims/{keys['first']}/versions/1")
        latest = client.get(f"/v1/claims/{keys['first']}/versions").json()[-1]
        bibtex = client.get(f"/v1/claims/{keys['first']}/citation", params={"format": "bibtex", "version": 1}).text
    banner = old.find("div", class_="banner old")
    assert "This is version 1" in banner.get_text()
    assert f"Read the latest version (v{latest['version']})" in banner.get_text()
    assert banner.find("a")["href"].endswith(f"/v1/claims/{keys['first']}")
    assert "at least 100" in old.find("h1").get_text() and "retracted" not in old.find("h1").get_text()
    assert old.find(id="cite-bibtex").get_text() == bibtex  # the old version is cited, not the latest
    rows = old.find(id="history").find_next("table").find("tbody").find_all("tr")
    assert [r.find("td").get_text(" ", strip=True) for r in rows] == [
        f"v{n}" for n in range(latest["version"], 1, -1)] + ["v1 (this page)"]  # fmt: skip
    changed = rows[-2].get_text(" ", strip=True)
    assert "the report was corrected" in changed and "value low: 100.0 → 110.0" in changed


def test_a_retracted_and_superseded_claim_still_resolves_with_a_banner_to_its_replacement(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    keys = _edited_retracted_and_superseded(url)
    with api(url) as client:
        soup = _page(client, f"/v1/claims/{keys['first']}")
        replacement = _page(client, f"/v1/claims/{keys['replacement']}")
        raw = client.get(f"/v1/claims/{keys['first']}", headers=BROWSER).text
    banner = soup.find("div", class_="banner retracted")
    assert "Retracted on" in banner.get_text() and "counted twice" in banner.get_text()
    assert banner.find("a", string=keys["replacement"])["href"].endswith(f"/v1/claims/{keys['replacement']}")
    assert "Replaces" in _text(replacement) and replacement.find("div", class_="banner") is None
    assert "<script>alert(1)</script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    archive = soup.find("a", string="Archived copy")
    assert archive["href"] == "https://web.archive.org/web/2025/https://example.org/report-1"


def test_the_system_page_shows_competing_values_targets_and_a_quantity_chart(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, "/v1/systems/igla-s")
        system = client.get("/v1/systems/igla-s").json()
        quantities = client.get("/v1/systems/igla-s/quantities").json()["rows"]
    table = soup.find(id="specifications").find_next("table")
    shown = [a["href"].rsplit("/", 1)[1] for a in table.find_all("a") if "/v1/claims/C-" in a["href"]]
    assert shown == [v["claim"] for spec in system["specifications"] for v in spec["values"]]
    assert "2 competing values" in table.get_text(" ")
    targets = soup.find(id="targets").find_next("ul").get_text(" ")
    assert all(t["name"] in targets for t in system["target_types"])
    figure = soup.find(id="quantities").find_next("figure")
    svg = figure.find("svg")
    assert svg["role"] == "img" and "Igla-S in VE" in svg.find("title").get_text()
    assert len(svg.find_all("g")) == len([r for r in quantities if r["country"] == "VE"])
    assert figure.find("a", string="Every claim, in date order")["href"].endswith("/v1/systems/igla-s/timeline?country=VE")
    ld = _jsonld(soup)
    assert (ld["@type"], ld["name"], "SA-24 Grinch" in ld["alternateName"]) == ("Product", "9K338 Igla-S", True)


def test_the_source_page_shows_its_chain_and_the_claims_it_carries(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        soup = _page(client, f"/v1/sources/{ANADOLU}")
        source = client.get(f"/v1/sources/{ANADOLU}").json()
    chain = [li.get_text(" ", strip=True) for li in soup.find("ol", class_="chain").find_all("li")]
    assert chain == ["Anadolu Agency", "CNN"]
    claims = soup.find(id="claims").find_next("ul").find_all("li", recursive=False)
    assert [li.find("a").get_text() for li in claims] == [c["id"] for c in source["claims"]]
    assert _jsonld(soup)["@type"] == "NewsArticle"


def test_compare_and_timeline_pages_link_every_claim(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        compare = _page(client, "/v1/compare?systems=igla-s,stinger")
        compared = client.get("/v1/compare?systems=igla-s,stinger").json()
        timeline = _page(client, "/v1/timeline?system=igla-s&country=VE")
        entries = client.get("/v1/timeline?system=igla-s&country=VE").json()["entries"]
    assert compare.find("h1").get_text() == "9K338 Igla-S vs FIM-92 Stinger"
    linked = {a.get_text() for a in compare.find_all("a") if a["href"].split("/")[-2:-1] == ["claims"]}
    wanted = {v["claim"] for row in compared["attributes"] for values in row["systems"].values() for v in values}
    assert {a["href"].rsplit("/", 1)[1] for a in compare.find_all("a") if "/v1/claims/C-" in a["href"]} == wanted
    assert linked or wanted
    rows = timeline.find("table").find("tbody").find_all("tr")
    assert [r.find_all("td")[1].find("a").get_text() for r in rows] == [e["claim"] for e in entries]
    assert timeline.find("svg")["role"] == "img"


def test_a_browser_gets_an_error_page_and_a_script_a_problem(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        page = client.get("/v1/claims/C-00000000", headers=BROWSER)
        problem = client.get("/v1/claims/C-00000000")
        version = client.get(f"/v1/claims/{MADURO}/versions/99", headers=BROWSER)
    assert (page.status_code, page.headers["content-type"]) == (404, "text/html; charset=utf-8")
    assert "claim not found: &#39;C-00000000&#39;" in page.text
    assert (problem.status_code, problem.headers["content-type"]) == (404, "application/problem+json")
    assert version.status_code == 404 and "v99" in version.text


def test_pages_keep_private_editors_private(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, MADURO, ClaimUpdate(note="checked"),
                                   edit=Edit("Private Editor Marker", "check"))  # fmt: skip
    engine.dispose()
    with api(url, private_editors=True) as client:
        hidden = client.get(f"/v1/claims/{MADURO}", headers=BROWSER).text
    with api(url) as client:
        shown = client.get(f"/v1/claims/{MADURO}", headers=BROWSER).text
    assert "Private Editor Marker" not in hidden and "an editor" in hidden
    assert "Private Editor Marker" in shown


def test_pages_read_a_bounded_number_of_statements(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    for path in (f"/v1/claims/{MADURO}", "/v1/systems/igla-s", f"/v1/sources/{ANADOLU}"):
        assert statements(url, path, BROWSER) <= 30, path


def test_pages_are_accessible_in_structure_and_readable_without_css(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        for path in PAGES:
            soup = _page(client, path)
            assert len(soup.find_all("h1")) == 1, path
            levels = [int(h.name[1]) for h in soup.find_all(["h1", "h2", "h3", "h4"])]
            assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)
            assert soup.find("main", id="main") and soup.find("a", class_="skip")["href"] == "#main"
            for svg in soup.find_all("svg"):
                assert svg["role"] == "img" and svg.find("title").get_text(strip=True), path
            for button in soup.find_all("button"):
                assert button.get_text(strip=True) and button["type"] == "button", path
            for table in soup.find_all("table"):
                assert table.find("th", scope=True), path
            # without CSS the content is still there, in reading order: styles only in <head>
            assert not soup.body.find_all("style") and not soup.find_all(style=True), path
            assert not soup.head.find("style") and soup.head.find("link", rel="stylesheet")["href"] == "/assets/pages.css"
            assert all(script.get("src") or script.get("type") == "application/ld+json"
                       for script in soup.find_all("script")), path  # no inline script: the CSP allows none
        sheet = client.get("/assets/pages.css")
        assert sheet.headers["content-type"].startswith("text/css")
        assert "@media print" in sheet.text and "size: A4" in sheet.text


def test_rendered_citations_are_kept_per_version_and_bounded() -> None:
    kept = RenderedCitations(size=2)
    calls: list[str] = []

    def render(text: str) -> Callable[[], str]:
        return lambda: calls.append(text) or text

    assert kept.get(("db", "C-1", 1, "apa"), render("one")) == "one"
    assert kept.get(("db", "C-1", 1, "apa"), render("changed?")) == "one"  # a version never changes
    assert kept.get(("db", "C-1", 2, "apa"), render("two")) == "two"
    assert kept.get(("other db", "C-1", 1, "apa"), render("other")) == "other"
    assert kept.get(("db", "C-1", 1, "apa"), render("one again")) == "one again"  # dropped: least recent
    assert calls == ["one", "two", "other", "one again"]


def test_a_new_version_is_cited_as_itself_on_its_page_not_from_an_earlier_render(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    with api(url) as client:
        first = _page(client, f"/v1/claims/{MADURO}").find(id="cite-bibtex").get_text()
        engine = engine_for(url)
        with session_scope(engine, write=True) as session:
            claim_service.update_claim(session, MADURO, ClaimUpdate(note="test: a second version"), edit=EDIT)
        engine.dispose()
        second = _page(client, f"/v1/claims/{MADURO}").find(id="cite-bibtex").get_text()
    assert "version = {1}" in first and "version = {2}" in second


def test_a_country_year_of_claims_without_a_number_does_not_break_the_pages(dbs: DatabaseFactory) -> None:
    """A denial and "some" missiles give no number to plot: the system page and the timeline's
    page once answered 500 (format_number(None))."""
    url = dbs.seeded()
    common = ["--system", "igla-s", "--country", "VE", "--counted", "missiles", "--source", "S-PJZ2YVHP"]
    ok(url, "claim", "add", "--kind", "transfer", "--counterparty", "RU", "--scope", "delivered", "--stance",
       "denies", "--about", "2024", *common)  # fmt: skip
    ok(url, "claim", "add", "--kind", "inventory", "--value", "some", "--about", "2023", *common)
    with api(url) as client:
        for path in ("/v1/systems/igla-s", "/v1/timeline?system=igla-s&country=VE"):
            response = client.get(path, headers={"accept": "text/html"})
            assert response.status_code == 200, (path, response.text[:300])
