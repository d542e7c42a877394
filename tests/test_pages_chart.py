"""The quantity chart's geometry, read back from its SVG: the legend never overlaps the axis
labels, every point lies inside the viewBox, and the text renders at a legible size on a
390 px screen (pages.css keeps the chart at least MIN_WIDTH_PX wide; its box scrolls)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest

from equipment_db.pages import chart as chart_module
from equipment_db.pages.chart import CLAIMS_LISTED, FONT_PX, MIN_WIDTH_PX, WIDTH, chart, figures_table

SVG = "{http://www.w3.org/2000/svg}"
CSS = Path(chart_module.__file__).parent / "static" / "pages.css"
KINDS = [("inventory", "missiles"), ("transfer", "launchers"), ("deployment", "firing_units"),
         ("production", "missiles"), ("procurement", "systems"), ("use", "missiles"), ("loss", "launchers")]  # fmt: skip
FLOOR_PX = 11


def _rows(series: int, years: range) -> list[dict[str, object]]:
    return [{"year": year, "kind": kind, "counted": counted, "claims": 1, "low": 100 * (i + 1), "high": 5000 + year}
            for i, (kind, counted) in enumerate(KINDS[:series]) for year in years]  # fmt: skip


def _svg(series: int, years: range) -> ET.Element:
    markup = str(chart("VE", _rows(series, years), title="Test System 1 in VE"))
    return ET.fromstring(re.search(r"<svg.*</svg>", markup, re.S).group(0))  # type: ignore[union-attr]


def _text_box(text: ET.Element) -> tuple[float, float, float, float]:
    """Generous box of a text element: 0.6 em per character, ascent one em, descent 0.3 em."""
    x, y, width = float(text.get("x")), float(text.get("y")), len(text.text or "") * FONT_PX * 0.6  # type: ignore[arg-type]
    left = {"end": x - width, "middle": x - width / 2}.get(text.get("text-anchor", "start"), x)
    return left, y - FONT_PX, left + width, y + FONT_PX * 0.3


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("series", "years"), [(1, range(2020, 2021)), (3, range(2015, 2026)), (7, range(1990, 2026))])
def test_the_legend_never_overlaps_the_axis_labels(series: int, years: range) -> None:
    svg = _svg(series, years)
    texts = svg.findall(f"{SVG}text")
    legend = texts[-series:]
    axis = texts[:-series]
    assert [t.text for t in legend] == sorted(
        (f"{k}: {c.replace('_', ' ')}" for k, c in KINDS[:series]), key=lambda s: s.split(":")[0])
    for label in legend:
        for other in texts:
            if other is not label:
                assert not _overlap(_text_box(label), _text_box(other)), (label.text, other.text)
    assert any(t.text == str(years[0]) for t in axis)


@pytest.mark.parametrize(("series", "years"), [(1, range(2020, 2021)), (6, range(2015, 2026)), (7, range(1990, 2026))])
def test_every_point_and_label_lies_inside_the_viewbox(series: int, years: range) -> None:
    svg = _svg(series, years)
    _, _, width, height = (float(n) for n in svg.get("viewBox").split())  # type: ignore[union-attr]
    circles = svg.findall(f".//{SVG}circle")
    assert len(circles) >= series * len(years)
    for c in circles:
        cx, cy, r = float(c.get("cx")), float(c.get("cy")), float(c.get("r"))  # type: ignore[arg-type]
        assert r <= cx <= width - r and r <= cy <= height - r, (cx, cy, width, height)
    for t in svg.findall(f"{SVG}text"):
        left, top, right, bottom = _text_box(t)
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, (t.text, left, right, top, bottom)


def test_chart_text_renders_at_a_legible_size_on_a_390_px_screen() -> None:
    css = CSS.read_text()
    assert re.search(rf"svg\.chart \{{[^}}]*min-width: {MIN_WIDTH_PX}px", css)
    assert re.search(rf"svg\.chart text \{{ font-size: {FONT_PX}px", css)
    content_width = 390 - 2 * 16  # body padding 1rem each side
    rendered = max(MIN_WIDTH_PX, content_width) / WIDTH * FONT_PX
    assert rendered >= FLOOR_PX, rendered
    assert 'class="chart-box scroll"' in str(chart("VE", _rows(1, range(2020, 2022)), title="Test System 1"))


def _claim_url(public_id: str) -> str:
    return "https://example.org/v1/claims/" + quote(public_id, safe="")


def _table(rows: list[dict[str, object]]) -> list[list[ET.Element]]:
    markup = str(figures_table(rows, _claim_url, "https://example.org/v1/systems/test-system-1/timeline?country=VE&x=1"))
    return [list(tr) for tr in ET.fromstring(f"<tbody>{markup}</tbody>")]


def _row(**changes: object) -> dict[str, object]:
    return {"country": "VE", "party": "Venezuela", "year": 2009, "kind": "transfer", "counted": "missiles",
            "scope": None, "measure": "flow", "claims": 1, "claim_ids": ["C-AAAA1111"], "low": 200.0,
            "high": 200.0, "estimate": False} | changes  # fmt: skip


def test_the_figures_table_reads_each_row_in_words_and_links_its_claims() -> None:
    (flow,), (stock,) = _table([_row()]), _table([_row(kind="inventory", counted="firing_units", scope="in_service",
                                                        measure="stock", low=35.0, high=None, estimate=True)])  # fmt: skip
    assert ["".join(cell.itertext()) for cell in flow] == ["2009", "transfer", "missiles", "total", "200", "200",
                                                           "C-AAAA1111"]  # fmt: skip
    assert flow[6][0].get("href") == "https://example.org/v1/claims/C-AAAA1111"
    assert ["".join(cell.itertext()) for cell in stock][:6] == ["2009", "inventory", "firing units, in service",
                                                                "range (estimates in it)", "35", ""]  # fmt: skip
    ((*_, low, high, _claims),) = _table([_row(measure="stock", low=2.5, high=1200.0)])
    assert (low.text, high.text) == ("2.5", "1,200")  # as the chart's labels word them, not 1200.0


def test_the_figures_table_lists_the_first_claims_and_links_the_rest_to_the_timeline() -> None:
    ids = [f"C-TEST{n:04d}" for n in range(CLAIMS_LISTED + 3)]
    ((*_, claims),) = _table([_row(claim_ids=ids, claims=len(ids))])
    links = claims.findall("a")
    assert [a.text for a in links[:-1]] == ids[:CLAIMS_LISTED]
    assert links[-1].text == "3 more"
    assert links[-1].get("href") == "https://example.org/v1/systems/test-system-1/timeline?country=VE&x=1"


def test_the_figures_table_escapes_what_it_is_given() -> None:
    ((*_, claims),) = _table([_row(claim_ids=['C-"<b>&'])])
    assert claims[0].text == 'C-"<b>&' and claims[0].get("href") == "https://example.org/v1/claims/C-%22%3Cb%3E%26"
