"""End to end: Debian's headless Chromium, driven by Playwright, against `equipment-db serve` on
localhost. A reader opens the Maduro claim, copies its BibTeX, follows a source, opens an old
version and a retracted claim. Screenshots (and an A4 print) are kept in test-artifacts/.

No browser is downloaded: Playwright drives /usr/bin/chromium (EQUIPMENT_DB_CHROMIUM). Without
it these tests are skipped with the reason shown, unless EQUIPMENT_DB_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from equipment_db.claims import service as claim_service
from equipment_db.claims.models import ClaimUpdate
from equipment_db.database import session_scope
from equipment_db.history.service import Edit
from tests.dbs import DatabaseFactory, engine_for

# Slow (the fast lane, `-m "not slow"`, leaves it out): Chromium driven by Playwright against a real server.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EQUIPMENT_DB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(os.environ.get("EQUIPMENT_DB_ARTIFACTS", REPO / "test-artifacts")) / "pages"
MADURO = "C-YSESYR2E"
EDITED = "C-3B9KZ769"  # the Sputnik report of the same speech: given a second version here
RETRACTED = "C-NMEBRWCC"  # the Obaland report: retracted here (test data, not the seed files)
ANADOLU = "S-PJZ2YVHP"
ANADOLU_TITLE = "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs military action"


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


@contextmanager
def launched() -> Iterator[object]:
    """Chromium, or the test skipped (failed under EQUIPMENT_DB_REQUIRE_BROWSER=1) saying why not."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("EQUIPMENT_DB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"EQUIPMENT_DB_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with launched() as chromium:
        yield chromium


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(url: str, name: str) -> Iterator[str]:
    """`equipment-db serve` on the database at `url`, on a free port; its log is kept as
    test-artifacts/pages/serve-`name`.log and must hold no traceback."""
    port = _free_port()
    log = ARTIFACTS / f"serve-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("equipment-db")), "--db", url, "serve", "--port", str(port)],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            env=os.environ | {"EQUIPMENT_DB_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not answer /health in 60 s"
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture
def server(dbs: DatabaseFactory) -> Iterator[str]:
    """`equipment-db serve` on a seeded database in which one claim has a second version and
    another is retracted."""
    url = dbs.seeded()
    engine = engine_for(url)
    with session_scope(engine, write=True) as session:
        claim_service.update_claim(session, EDITED, ClaimUpdate(location="key air defence positions (test edit)"),
                                   edit=Edit("test-editor", "test: a second version"))  # fmt: skip
        claim_service.retract_claim(session, RETRACTED, edit=Edit("test-editor", "test: entered twice"))
    engine.dispose()
    with serving(url, dbs.name) as base:
        yield base


def _shot(page: object, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    assert path.stat().st_size > 10_000, path
    return path


def test_a_reader_follows_a_citation_link_through_the_pages(browser: object, server: str,
                                                            dbs: DatabaseFactory) -> None:  # fmt: skip
    engine = dbs.name
    context = browser.new_context(viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        # 1. The Maduro claim, opened from its permalink as a browser does.
        page.goto(f"{server}/v1/claims/{MADURO}")
        assert page.locator("h1").inner_text().startswith("Nicolás Maduro (President of Venezuela) claimed that")
        assert page.get_by_text("counts missiles, deployed").is_visible()
        _shot(page, f"1-maduro-claim-{engine}")

        # 2. Copy the BibTeX citation (its format opened first: the cite box starts collapsed):
        # the clipboard holds exactly the API's BibTeX.
        page.locator("#format-bibtex > summary").click()
        page.get_by_role("button", name="Copy BibTeX").click()
        page.get_by_role("status").filter(has_text="Copied to the clipboard.").wait_for(timeout=5000)
        copied = page.evaluate("navigator.clipboard.readText()")
        bibtex = httpx.get(f"{server}/v1/claims/{MADURO}/citation", params={"format": "bibtex"}).text
        assert copied == bibtex and copied.startswith("@misc{edb-C-YSESYR2E-v1,")

        # 3. Follow the source link to the source's page.
        page.get_by_role("link", name=ANADOLU_TITLE).click()
        page.wait_for_url(f"{server}/v1/sources/{ANADOLU}")
        assert page.locator("h1").inner_text() == ANADOLU_TITLE
        assert page.get_by_role("heading", name="Reporting chain").is_visible()
        _shot(page, f"2-anadolu-source-{engine}")

        # 4. An old version says so and leads to the latest.
        page.goto(f"{server}/v1/claims/{EDITED}/versions/1")
        banner = page.locator(".banner.old")
        assert banner.inner_text().startswith("This is version 1")
        _shot(page, f"3-old-version-{engine}")
        banner.get_by_role("link", name="Read the latest version (v2)").click()
        page.wait_for_url(f"{server}/v1/claims/{EDITED}")
        assert "test edit" in page.locator("h1").inner_text()

        # 5. A retracted claim still resolves, under a banner.
        page.goto(f"{server}/v1/claims/{RETRACTED}")
        retracted = page.locator(".banner.retracted")
        assert retracted.is_visible() and "test: entered twice" in retracted.inner_text()
        _shot(page, f"4-retracted-claim-{engine}")

        # 6. The system page with its chart, and the claim page printed on A4.
        page.goto(f"{server}/v1/systems/igla-s")
        assert page.locator("figure svg[role=img]").first.is_visible()
        _shot(page, f"5-igla-s-system-{engine}")
        page.goto(f"{server}/v1/claims/{MADURO}")
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Copy BibTeX").is_visible()  # nothing to click on paper
        pdf = ARTIFACTS / f"6-maduro-claim-a4-{engine}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    finally:
        context.close()


def _fits(page: object, width: int) -> None:
    """Nothing wider than the screen: the page itself never scrolls sideways (a wide table
    scrolls inside its own box)."""
    wide = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert wide <= width, f"{page.url} is {wide} px wide on a {width} px screen"  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reader_finds_a_claim_from_the_home_page_cites_it_and_opens_its_permalink(
    browser: object, server: str, dbs: DatabaseFactory, width: int
) -> None:
    engine = dbs.name
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        # 1. The home page: what the database holds, the latest changes, a search box.
        page.goto(f"{server}/")
        assert page.locator("h1").inner_text() == "equipment-db"
        holdings = httpx.get(f"{server}/").json()["holdings"]
        assert page.locator("#holdings").inner_text().split()[:2] == [str(holdings["systems"]), "systems"]
        assert page.locator("#changes li").first.inner_text().startswith("Retracted claim")  # the fixture's retraction
        _fits(page, width)
        _shot(page, f"7-home-{width}-{engine}")

        # 2. Search from the box: results grouped by type.
        page.get_by_label("Search systems, claims and sources").fill("igla")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url(f"{server}/v1/search?q=igla")
        assert page.locator("h1").inner_text() == "Search results for “igla”"
        assert page.get_by_role("heading", name="Systems").is_visible()
        _fits(page, width)
        _shot(page, f"8-search-igla-{width}-{engine}")

        # 3. Follow the best claim to its page.
        found = httpx.get(f"{server}/v1/search", params={"q": "igla", "types": "claim"}).json()["items"][0]
        page.locator("#group-claim ~ ol a").first.click()
        page.wait_for_url(f"{server}/v1/claims/{found['id']}")
        assert page.locator("h1").inner_text()
        _fits(page, width)
        _shot(page, f"9-found-claim-{width}-{engine}")

        # 4. Copy its citation: the clipboard holds exactly the API's APA citation.
        page.locator("#format-apa > summary").click()
        page.get_by_role("button", name="Copy APA").click()
        page.get_by_role("status").filter(has_text="Copied to the clipboard.").wait_for(timeout=5000)
        apa = httpx.get(f"{server}/v1/claims/{found['id']}/citation", params={"format": "apa"}).text
        assert page.evaluate("navigator.clipboard.readText()") == apa

        # 5. Open its permalink: the version the citation names.
        version = httpx.get(f"{server}/v1/claims/{found['id']}").json()["version"]
        permalink = f"{server}/v1/claims/{found['id']}/versions/{version}"
        assert permalink in apa
        page.locator(".summary").get_by_role("link", name=permalink).click()  # the one at the top
        page.wait_for_url(permalink)
        assert page.locator(".banner.old").inner_text().startswith(f"This is version {version}")
        _fits(page, width)
        _shot(page, f"10-permalink-{width}-{engine}")

        # 6. On a 1280 x 800 or 390 x 800 screen the claim's summary and permalink are above the fold.
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{server}/v1/claims/{MADURO}")
        box = page.locator(".summary").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 800, box
        _fits(page, width)
        _shot(page, f"12-maduro-claim-summary-{width}-{engine}")

        # 7. The lists fit too, with their forms.
        for path in ("/v1/claims?system=igla-s", "/v1/sources", "/v1/countries"):
            page.goto(f"{server}{path}")
            _fits(page, width)
        _shot(page, f"11-countries-{width}-{engine}")
    finally:
        context.close()


def _no_sideways_scroll(page: object, width: int) -> None:
    """The page itself never scrolls sideways: its scrolling element is no wider than the window."""
    wide, inner = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")  # type: ignore[attr-defined]
    assert inner == width and wide <= inner, f"{page.url} is {wide} px wide on a {inner} px screen"  # type: ignore[attr-defined]


EMPTY_HEADINGS = """() => [...document.querySelectorAll("h1, h2, h3, h4, h5, h6, summary")]
  .filter(h => h.getClientRects().length > 0)
  .filter(h => h.innerText.trim() === "" || (h.tagName === "SUMMARY" && !h.parentElement.open))
  .map(h => h.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_type_fits_the_screen_and_entry_pages_print_without_empty_headings(
    browser: object, server: str, dbs: DatabaseFactory, width: int
) -> None:
    engine = dbs.name
    slugs = [s["slug"] for s in httpx.get(f"{server}/v1/systems", params={"limit": 7}).json()["items"]][:7]
    pages = {"system": "/v1/systems/igla-s", "compare": f"/v1/compare?systems={','.join(slugs)}",
             "timeline": "/v1/systems/igla-s/timeline?country=VE", "source": f"/v1/sources/{ANADOLU}",
             "search": "/v1/search?q=igla", "systems": "/v1/systems", "claims": "/v1/claims", "home": "/",
             "country": "/v1/countries/VE", "actor": "/v1/actors/Nicol%C3%A1s%20Maduro",
             "claim": f"/v1/claims/{MADURO}", "claim-version": f"/v1/claims/{EDITED}/versions/1",
             "retracted-claim": f"/v1/claims/{RETRACTED}", "system-version": "/v1/systems/igla-s/versions/1",
             "source-version": f"/v1/sources/{ANADOLU}/versions/1", "sources": "/v1/sources",
             "actors": "/v1/actors", "countries": "/v1/countries", "not-found": "/v1/claims/C-00000000",
             "docs": "/docs"}  # fmt: skip
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        for name, path in pages.items():
            page.goto(f"{server}{path}")
            _no_sideways_scroll(page, width)
            if name == "docs":
                # Swagger UI 5, drawn by its script from the package: every operation of the
                # OpenAPI 3.1 document (Swagger UI 4 said "Unable to render this definition").
                page.locator("#swagger-ui .opblock").first.wait_for(state="visible", timeout=15_000)
                assert page.locator("#swagger-ui .opblock-summary-path[data-path='/v1/claims/{claim_id}']").count() == 1
                assert "Unable to render" not in page.locator("#swagger-ui").inner_text()
                _no_sideways_scroll(page, width)
            if name in ("system", "compare", "timeline", "country", "actor"):
                _shot(page, f"12-{name}-{width}-{engine}")
        page.goto(f"{server}/v1/systems/igla-s")
        svg = page.locator("svg.chart").first
        size = svg.evaluate("s => [s.getBoundingClientRect().width, "
                            "parseFloat(getComputedStyle(s.querySelector('text')).fontSize), s.viewBox.baseVal.width]")
        rendered_px = size[1] * size[0] / size[2]
        assert rendered_px >= 11, f"chart text renders at {rendered_px:.1f} px at {width} px"
        assert page.locator("span.assessed").count() > 0 and page.locator("td a[href*='/v1/sources/S-']").count() > 0
        for name in ("system", "compare", "timeline", "country", "actor"):
            page.goto(f"{server}{pages[name]}")
            page.emulate_media(media="print")
            assert page.evaluate(EMPTY_HEADINGS) == [], f"{name}: empty headings in print"
            page.emulate_media(media="screen")
    finally:
        context.close()
