"""Quantity claims over time as a small server-rendered SVG chart, one per country: each
year's lowest to highest figure per kind and counting basis. No script, prints as vectors."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from equipment_db.analysis.stored import party_key
from equipment_db.citations.text import words
from equipment_db.claims.text import format_number, format_range

WIDTH, PLOT_HEIGHT = 640, 170
LEFT, RIGHT, TOP = 80, 16, 14
AXIS_BAND, LEGEND_ROW = 30, 18  # year labels below the plot; then one legend entry per row, never beside them
SPREAD, RADIUS = 7, 4.5  # series of one year sit side by side; the edge ones stay inside the box
FONT_PX = 13  # in viewBox units; pages.css sets it and keeps the chart at least MIN_WIDTH_PX wide
MIN_WIDTH_PX = 560  # so its text renders at FONT_PX * MIN_WIDTH_PX / WIDTH >= 11 px; narrower screens scroll the chart's box
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9")  # Okabe-Ito: colour-blind safe
MAX_COUNTRIES = 8
CLAIMS_LISTED = 10  # per row of a chart's table; the rest are a link to the party's timeline


_SPECIAL = re.compile(r"[&<>\"']")


def _html(text: str) -> str:
    """`escape(text)`, skipped when nothing in it needs escaping: a page has tens of thousands
    of claim ids, figures and words, and escape builds a Markup object for each."""
    return escape(text) if _SPECIAL.search(text) else text


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _series_label(kind: str, counted: str | None) -> str:
    return f"{kind.replace('_', ' ')}: {counted.replace('_', ' ')}" if counted else kind.replace("_", " ")


def chart(country: str, rows: list[dict[str, Any]], *, title: str) -> Markup:
    """One country's chart. Rows: year, kind, counted, claims, low, high (quantities query); a
    row without a number (only denials or "some") has nothing to plot and is left out of it."""
    rows = [r for r in rows if r["low"] is not None or r["high"] is not None]
    if not rows:
        return Markup('<p class="muted">Nothing to plot: these claims give no number.</p>')
    years = [r["year"] for r in rows]
    first, last = min(years), max(years)
    if first == last:
        first, last = first - 1, last + 1
    top = _nice_ceiling(max(max(r["low"] or 0, r["high"] or 0) for r in rows))
    series = sorted({(r["kind"], r["counted"]) for r in rows}, key=lambda s: (s[0], s[1] or ""))
    pad = (len(series) - 1) / 2 * SPREAD + RADIUS + 2
    plot_w, plot_h = WIDTH - LEFT - RIGHT - 2 * pad, PLOT_HEIGHT
    height = TOP + plot_h + AXIS_BAND + len(series) * LEGEND_ROW

    def x(year: float, index: float) -> float:
        return LEFT + pad + (year - first) / (last - first) * plot_w + (index - (len(series) - 1) / 2) * SPREAD

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" class="chart" role="img" '
             f'aria-labelledby="chart-{escape(country)}-title">',
             f'<title id="chart-{escape(country)}-title">{escape(title)}</title>']  # fmt: skip
    for step in range(5):
        value = top * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     f'stroke="#d0d0d0" stroke-width="1"/>'
                     f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
                     f'text-anchor="end">{format_number(value)}</text>')  # fmt: skip
    tick_years = range(first, last + 1, max(1, math.ceil((last - first) / 10)))
    for year in tick_years:
        parts.append(f'<text x="{x(year, (len(series) - 1) / 2):.1f}" y="{TOP + plot_h + 16}" '
                     f'text-anchor="middle">{year}</text>')  # fmt: skip
    in_series: dict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        in_series[(r["kind"], r["counted"])].append(r)
    for index, (kind, counted) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        for row in in_series[(kind, counted)]:
            low = row["low"] if row["low"] is not None else row["high"]
            high = row["high"] if row["high"] is not None else row["low"]
            cx = x(row["year"], index)
            label = (f"{row['year']}, {_series_label(kind, counted)}: "
                     f"{format_number(low) if low == high else format_range(low, high)} "
                     f"({row['claims']} claim{'s' if row['claims'] != 1 else ''})")  # fmt: skip
            parts.append(f'<g><title>{_html(label)}</title>'
                         f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(low):.1f}" y2="{y(high):.1f}" stroke="{colour}" '
                         f'stroke-width="3"/><circle cx="{cx:.1f}" cy="{y(high):.1f}" r="{RADIUS}" fill="{colour}"/>'
                         + ("" if low == high else f'<circle cx="{cx:.1f}" cy="{y(low):.1f}" r="3" fill="#fff" '
                                                   f'stroke="{colour}" stroke-width="2"/>')
                         + "</g>")  # fmt: skip
        legend_x = LEFT
        legend_y = TOP + plot_h + AXIS_BAND + index * LEGEND_ROW + FONT_PX
        parts.append(f'<circle cx="{legend_x}" cy="{legend_y - 4}" r="{RADIUS}" fill="{colour}"/>'
                     f'<text x="{legend_x + 9}" y="{legend_y}">{escape(_series_label(kind, counted))}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup(f'<div class="chart-box scroll" role="region" aria-label="{escape(title)}" tabindex="0">'
                  + "".join(parts) + "</div>")


def _words(value: str | None) -> str:
    return _html(words(value) or "")


def _figure(value: float | None) -> str:
    return "" if value is None else format_number(value)


def figures_table(rows: list[dict[str, Any]], claim_url: Callable[[str], str], more_url: str) -> Markup:
    """One chart's figures as the rows of its table, each with its first CLAIMS_LISTED claims
    and a link to the party's timeline for the rest. Built here rather than in the template:
    a busy system's page has thousands of rows, which Jinja renders 4x slower."""
    more = escape(more_url)
    parts = []
    for r in rows:
        ids = r["claim_ids"]
        links = ", ".join(f'<a href="{_html(claim_url(i))}">{_html(i)}</a>' for i in ids[:CLAIMS_LISTED])
        if len(ids) > CLAIMS_LISTED:
            links += f' and <a href="{more}">{len(ids) - CLAIMS_LISTED} more</a>'
        parts.append(f'<tr><td>{r["year"]:d}</td><td>{_words(r["kind"])}</td><td>{_words(r["counted"])}'
                     + (f", {_words(r['scope'])}" if r["scope"] else "")
                     + f'</td><td>{"total" if r["measure"] == "flow" else "range"}'
                     + (' <span class="muted">(estimates in it)</span>' if r["estimate"] else "")
                     + f'</td><td>{_figure(r["low"])}</td><td>{_figure(r["high"])}</td><td>{links}</td></tr>')  # fmt: skip
    return Markup("".join(parts))


def charts(rows: list[dict[str, Any]], system_name: str) -> list[dict[str, Any]]:
    """A chart per country, the most claimed first (at most 8), each with its rows as a table."""
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_country[party_key(row["country"], row["party"])].append(row)
    ranked = sorted(by_country.items(), key=lambda item: (-sum(r["claims"] for r in item[1]), item[0]))
    return [{"country": country, "rows": found,
             "svg": chart(country, found, title=f"{system_name} in {country}: quantities claimed per year")}
            for country, found in ranked[:MAX_COUNTRIES]]  # fmt: skip
