"""System and compare pages: every value shows its verification status and Admiralty grade,
and links each source that carries it to the source's page. Both engines, seeded database."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.vocab import InformationCredibility, SourceReliability, VerificationStatus
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory, engine_for

BROWSER = {"accept": "text/html,application/xhtml+xml"}


def _grade_first_stinger_value(url: str) -> str:
    """Grades B2 and corroborates the first Stinger specification value (test data); its id."""
    with api(url) as client:
        claim = client.get("/v1/systems/stinger").json()["specifications"][0]["values"][0]["claim"]
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, claim, ClaimUpdate(
            reliability=SourceReliability.B, credibility=InformationCredibility.probably_true,
            verification_status=VerificationStatus.corroborated), edit=Edit("test-editor", "test: graded"))  # fmt: skip
    engine.dispose()
    return claim


def _cell_for(soup: BeautifulSoup, claim: str) -> Tag:
    link = soup.find("a", href=lambda h: bool(h) and h.endswith(f"/v1/claims/{claim}"))
    assert link is not None, claim
    return link.find_parent("td")


def _expected(client: Any, claim: str) -> tuple[str, str, list[str]]:
    found = client.get(f"/v1/claims/{claim}").json()
    grade = f"graded {found['reliability'] or ''}{found['credibility'] or ''}" if found["reliability"] or found[
        "credibility"] else "not graded"  # fmt: skip
    sources = list(dict.fromkeys(c["source"] for c in found["citations"]))
    return found["verification_status"].replace("_", " "), grade, sources


def test_the_system_page_shows_status_grade_and_linked_sources_per_value(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    graded = _grade_first_stinger_value(url)
    with api(url) as client:
        soup = BeautifulSoup(client.get("/v1/systems/stinger", headers=BROWSER).text, "html.parser")
        values = [v["claim"] for s in client.get("/v1/systems/stinger").json()["specifications"] for v in s["values"]]
        assert values and graded in values
        for claim in values:
            status, grade, sources = _expected(client, claim)
            row = _cell_for(soup, claim).find_parent("tr")
            cells = row.find_all("td")
            assessed = cells[0].find(class_="assessed").get_text(" ", strip=True)
            assert assessed == f"{status} · {grade}", (claim, assessed)
            linked = [a["href"].rsplit("/", 1)[1] for a in cells[1].find_all("a")]
            assert linked == sources, (claim, linked)
    cell = _cell_for(soup, graded)
    assert cell.find(class_="assessed").get_text(" ", strip=True) == "corroborated · graded B2"
    assert cell.find("abbr", class_="grade")["title"].startswith("Admiralty code")


def test_the_compare_page_shows_status_grade_and_linked_sources_per_value(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    graded = _grade_first_stinger_value(url)
    with api(url) as client:
        page = client.get("/v1/compare?systems=igla-s,stinger", headers=BROWSER)
        soup = BeautifulSoup(page.text, "html.parser")
        compared = client.get("/v1/compare?systems=igla-s,stinger").json()
        values = [v["claim"] for row in compared["attributes"] for vs in row["systems"].values() for v in vs]
        assert values and graded in values
        for claim in values:
            status, grade, sources = _expected(client, claim)
            cell = _cell_for(soup, claim)
            assessed = [a.get_text(" ", strip=True) for a in cell.find_all(class_="assessed")]
            assert f"{status} · {grade}" in assessed, (claim, assessed)
            linked = {a["href"].rsplit("/", 1)[1] for a in cell.select(".sources a")}
            assert set(sources) <= linked, (claim, linked)
    cell = _cell_for(soup, graded)
    assert "corroborated · graded B2" in cell.get_text(" ", strip=True)
    assert soup.find("table", class_="compare").find_parent("div")["class"] == ["scroll"]
