"""The system and source pages (current or one version), and the comparison and timeline."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from equipment_db.analysis import queries as analysis_queries
from equipment_db.analysis import stored as analysis_stored
from equipment_db.catalog import queries as catalog_queries
from equipment_db.citations.entities import render_source, render_system
from equipment_db.citations.jsonld import source_jsonld, system_jsonld
from equipment_db.citations.render import CitationFormat
from equipment_db.config import Settings
from equipment_db.pages.chart import MAX_COUNTRIES, charts, figures_table
from equipment_db.pages.history import versions
from equipment_db.pages.render import cite_box, page
from equipment_db.sources import queries as source_queries
from equipment_db.vocab import EntityType


def _citations(session: Session, render: Any, key: str, shown: Any, base_url: str) -> list[dict[str, str]]:
    def one(fmt: CitationFormat) -> str:
        return render(shown.snapshot, version=shown.version, revised_at=shown.created_at, base_url=base_url, fmt=fmt)

    return cite_box(one, (str(session.get_bind().url), render.__name__, key, shown.version, shown.created_at,
                          base_url))  # fmt: skip


def system_page(request: Request, session: Session, settings: Settings, key: str,
                version: int | None = None) -> HTMLResponse:  # fmt: skip
    system = catalog_queries.get_system(session, key, field="key")
    shown, versions_shown = versions(request, session, settings, EntityType.system, system.id, system.slug, version)  # type: ignore[arg-type]
    base_url = settings.public_url.rstrip("/")
    quantities = analysis_stored.party_rows(session, system.id, MAX_COUNTRIES) if version is None else []  # type: ignore[arg-type]
    summary = analysis_queries.system_summary(session, system)
    shown_ids = [v["claim"] for spec in summary["specifications"] for v in spec["values"]]
    return page(
        request, "system.html", title=shown.snapshot["name"], system=shown.snapshot,
        summary=summary, assessed=analysis_queries.value_assessments(session, shown_ids),
        charts=charts(quantities, system.name), figures_table=figures_table,
        latest_url=str(request.url_for("get_system", key=system.slug)),
        feed_url=str(request.url_for("system_changes_feed", key=system.slug)),
        feed_title=f"Changed claims about {system.name}",
        citations=_citations(session, render_system, system.slug, shown, base_url),
        jsonld=system_jsonld(shown.snapshot, version=shown.version, base_url=base_url), **versions_shown,
    )  # fmt: skip


def source_page(request: Request, session: Session, settings: Settings, key: str,
                version: int | None = None) -> HTMLResponse:  # fmt: skip
    source = source_queries.get_source(session, key, field="source_id")
    shown, versions_shown = versions(request, session, settings, EntityType.source, source.id,  # type: ignore[arg-type]
                                     source.public_id, version)  # fmt: skip
    base_url = settings.public_url.rstrip("/")
    return page(
        request, "source.html",
        title=shown.snapshot.get("title") or shown.snapshot.get("publisher") or source.public_id,
        source=shown.snapshot, view=source_queries.source_view(session, source, claims_limit=200),
        latest_url=str(request.url_for("get_source", source_id=source.public_id)),
        citations=_citations(session, render_source, source.public_id, shown, base_url),
        jsonld=source_jsonld(shown.snapshot, version=shown.version, base_url=base_url), **versions_shown,
    )  # fmt: skip


def compare_page(request: Request, session: Session, found: dict[str, Any]) -> HTMLResponse:
    """`found`: the comparison's JSON; each value's status, grade and linked sources are read here."""
    names = " vs ".join(s["name"] for s in found["systems"])
    shown_ids = [v["claim"] for row in found["attributes"] for values in row["systems"].values() for v in values]
    return page(request, "compare.html", title=names, found=found, jsonld=None, json_url=str(request.url),
                assessed=analysis_queries.value_assessments(session, shown_ids))  # fmt: skip


def timeline_page(request: Request, found: dict[str, Any], rows: list[dict[str, Any]]) -> HTMLResponse:
    """`found`: the timeline's JSON; `rows`: the system's quantities in that country, for the chart."""
    title = f"{found['system']['name']} in {found['party'] or found['country']}: quantity claims over time"
    return page(request, "timeline.html", title=title, found=found, charts=charts(rows, found["system"]["name"]),
                jsonld=None, json_url=str(request.url))  # fmt: skip
