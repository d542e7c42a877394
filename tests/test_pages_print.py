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

from equipment_db.catalog import service as catalog_service
from equipment_db.catalog.models import SystemCreate
from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimLinkCreate, ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from equipment_db.sources import service as source_service
from equipment_db.sources.models import SourceCreate
from equipment_db.vocab import LinkKind, SystemCategory
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, add_claim, claim_input, populate
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


SEVEN = [f"test-system-{n}" for n in range(1, 8)]


def seven_systems(engine: sa.Engine) -> None:
    """Test Systems 1-7 (long names, as real ones are), each with two ranges, a weight and a
    wordy guidance value, all sourced."""
    source = populate(engine)["source"]
    with session_scope(engine, write=True) as session:
        for n in range(3, 8):
            catalog_service.create_system(session, SystemCreate(
                slug=f"test-system-{n}", name=f"Test System {n} Extended-Range Portable Example Launcher",
                category=SystemCategory.manpads), edit=EDIT)  # fmt: skip
        for n, slug in enumerate(SEVEN, start=1):
            for fields in ({"attribute": "max_range", "value": 4 + n / 2, "unit": "km", "value_text": f"{4 + n / 2} km"},
                           {"attribute": "max_range", "value": 3 + n, "unit": "mi", "qualifier": "up_to",
                            "value_text": f"up to {3 + n} miles"},
                           {"attribute": "weight", "value": 10 + n, "unit": "kg", "value_text": f"{10 + n} kilograms"},
                           {"attribute": "guidance", "value": None, "value_text": "passive infrared homing with a "
                            "dual-band seeker and proportional navigation (test wording)"}):  # fmt: skip
                claim_service.create_claim(session, claim_input(source, **({
                    "kind": "specification", "system": slug, "country": None, "counted": None, "claimant": None,
                    "qualifier": "exact"} | fields)), edit=EDIT)  # fmt: skip


@pytest.fixture
def seven(dbs: DatabaseFactory) -> Iterator[str]:
    url = dbs.migrated()
    engine = engine_for(url)
    seven_systems(engine)
    engine.dispose()
    with serving(url, f"compare-{dbs.name}") as base:
        yield base


@pytest.mark.parametrize("width", [1280, 390])
def test_a_seven_system_comparison_scrolls_inside_its_table_never_the_page(
    browser: object, seven: str, dbs: DatabaseFactory, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"{seven}/v1/compare?systems={','.join(SEVEN)}")
        assert page.locator("table.compare thead th").count() == 8  # the attribute and seven systems
        assert page.locator("table.compare tbody tr").count() == 3, page.locator("table.compare").inner_text()
        wide, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        _shot(page, f"14-compare-seven-{width}-{dbs.name}")
        assert inner == width and wide <= inner, f"the page is {wide} px wide on a {inner} px screen"
        box = page.locator("table.compare").locator("xpath=..")
        inside, outside = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        last = page.locator("table.compare thead th").last
        if width == 1280:  # the seven systems wrap to fit the screen: nothing scrolls
            assert inside <= outside <= width, (inside, outside)
        else:  # they scroll inside the table's box, which says so, under the attribute column
            assert outside <= width < inside, (inside, outside)
            assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
            box.evaluate("b => b.scrollLeft = b.scrollWidth")
            attribute = page.locator("table.compare tbody th").first.bounding_box()
            assert attribute is not None and attribute["x"] >= 0, attribute  # sticky: still in view
        right = last.bounding_box()
        assert right is not None and right["x"] + right["width"] <= width + 1, right
        _shot(page, f"14-compare-seven-{width}-scrolled-{dbs.name}")
        assert page.evaluate("scrollX") == 0
    finally:
        context.close()
