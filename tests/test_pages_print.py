"""End to end in Chromium: a heavy claim printed on A4 fits on two pages, with its permanent
address on the first and one formatted citation (APA) though the formats are collapsed on
screen; a 7-system comparison scrolls inside its table, never the page. PDFs and screenshots
are kept in test-artifacts/pages/ (see test_pages_browser.py for the browser and server)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate, ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import LinkKind
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, add_claim, populate
from tests.test_pages_browser import ARTIFACTS, _shot, launched, serving

# Slow (the fast lane, `-m "not slow"`, leaves it out): Chromium driven by Playwright against a real server.
pytestmark = pytest.mark.slow

MM = 96 / 25.4  # CSS pixels in a millimetre
A4_TEXT = (round((210 - 24) * MM), round((297 - 25) * MM))  # within pages.css's print margins
LONG_QUOTE = ("Test quote: the spokesperson of the test ministry told the example press conference that "
              "the test units had received no fewer than one hundred test launchers over the last year, "
              "that more would follow under the same example contract, and that every one of them had "
              "been inspected by the test commission before it was handed over to the example brigades. ")  # fmt: skip


def _source(session: object, n: int, cites: str | None = None) -> str:
    return source_service.create_source(session, SourceCreate(  # type: ignore[arg-type]
        kind="news_article", title=f"Test Report {n}: a long title about the test launchers delivered to the "
        "example brigades", publisher=f"Example Press {n}", url=f"https://example.org/print/report-{n}",
        archive_url=f"https://archive.example.org/2025/example.org/print/report-{n}", published="2025-10-2" + str(n),
        language="en", cites=cites), edit=EDIT).public_id  # fmt: skip


def heavy_claim(engine: sa.Engine) -> str:
    """A claim as heavy as real ones get: four citations with long quotes, a three-outlet
    reporting chain, two linked claims, seven versions with long reasons and notes."""
    keys = populate(engine)
    with session_scope(engine, write=True) as session:
        first = _source(session, 2)
        relay = _source(session, 3, cites=first)
        last = _source(session, 4, cites=relay)
        extra = _source(session, 5)
    citations = [{"source": s, "quote": LONG_QUOTE * 2, "locator": f"para {i + 2}"}
                 for i, s in enumerate((keys["source"], last, extra))]  # fmt: skip
    citations.append({"source": relay, "quote": LONG_QUOTE, "role": "cited_in"})
    claim = add_claim(engine, keys["source"], citations=citations, location="the example brigades' test bases",
                      note="Test note: " + LONG_QUOTE)  # fmt: skip
    others = [add_claim(engine, keys["source"], value=120 + i, value_text=f"at least {120 + i}") for i in range(2)]
    with session_scope(engine, write=True) as session:
        for other, kind in zip(others, (LinkKind.corroborates, LinkKind.contradicts), strict=True):
            claim_service.create_link(session, ClaimLinkCreate(from_claim=claim, to_claim=other, kind=kind,
                                                                note="Test link note."), edit=EDIT)  # fmt: skip
        for n in range(6):
            reason = f"test revision {n + 1}: the example desk re-read the test report and " + LONG_QUOTE[:160]
            claim_service.update_claim(session, claim, ClaimUpdate(note=f"Test note, revision {n + 1}: " + LONG_QUOTE,
                                                                   location=f"the example brigades' test bases ({n})"),
                                       edit=Edit("test-editor", reason))  # fmt: skip
    return claim


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def heavy(dbs: DatabaseFactory) -> Iterator[tuple[str, str]]:
    """A server on a database holding the heavy claim; yields (base URL, claim id)."""
    url = dbs.migrated()
    engine = engine_for(url)
    claim = heavy_claim(engine)
    engine.dispose()
    with serving(url, f"print-{dbs.name}") as base:
        yield base, claim


def _pages(pdf: bytes) -> int:
    """Chromium (Skia) writes each page as an uncompressed `/Type /Page` object."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_a_heavy_claim_prints_on_two_a4_pages_with_its_permalink_first_and_an_apa_citation(
    browser: object, heavy: tuple[str, str], dbs: DatabaseFactory
) -> None:
    base, claim = heavy
    # The window as wide as the A4 page's text: the screenshot shows the printed layout.
    context = browser.new_context(viewport={"width": A4_TEXT[0], "height": A4_TEXT[1]})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"{base}/v1/claims/{claim}")
        detail = httpx.get(f"{base}/v1/claims/{claim}").json()
        assert detail["version"] == 7 and len(detail["citations"]) == 4, detail
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=False)
        (ARTIFACTS / f"13-heavy-claim-a4-{dbs.name}.pdf").write_bytes(pdf)
        _shot(page, f"13-heavy-claim-print-{dbs.name}")
        assert pdf.startswith(b"%PDF") and 1 <= _pages(pdf) <= 2, f"{_pages(pdf)} A4 pages"

        # The permanent address of this version, at the top of the first page.
        permalink = f"{base}/v1/claims/{claim}/versions/7"
        top = page.locator(".summary .permalink.top")
        assert top.is_visible() and top.inner_text() == permalink
        box = top.bounding_box()
        assert box is not None and box["y"] + box["height"] < A4_TEXT[1], box

        # Exactly one formatted citation on paper: the API's APA, though its format is collapsed.
        apa = httpx.get(f"{base}/v1/claims/{claim}/citation", params={"format": "apa"}).text
        shown = page.locator(".cite pre").filter(visible=True)
        assert shown.count() == 1 and shown.inner_text() == apa.strip()
        # A short history: the three newest versions, and a line saying what is left out.
        assert page.locator("table.history tbody tr").filter(visible=True).count() == 3
        assert page.get_by_text("4 older versions (v1–v4) not printed").is_visible()
        # Nothing to click or fill on paper.
        for hidden in ("header nav", "form", "button", "footer", "details summary"):
            assert page.locator(hidden).filter(visible=True).count() == 0, hidden
        page.emulate_media(media="screen")
        assert page.locator("#format-apa").get_attribute("open") is None  # collapsed on screen, as before
        assert not page.locator("#cite-apa").is_visible() and not page.locator(".print-only").first.is_visible()
        assert page.locator("table.history tbody tr").filter(visible=True).count() == 7
    finally:
        context.close()
