"""The system and source pages (current or one version), and the comparison and timeline."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from equipment_db.analysis import queries as analysis_queries
from equipment_db.catalog import queries as catalog_queries
from equipment_db.citations.entities import render_source, render_system
from equipment_db.citations.jsonld import source_jsonld, system_jsonld
from equipment_db.citations.render import CitationFormat
from equipment_db.config import Settings
from equipment_db.errors import NotFound
from equipment_db.history import queries as history_queries
from equipment_db.pages.chart import charts
from equipment_db.pages.claims import FORMAT_LABELS
from equipment_db.pages.history import history, pick
from equipment_db.pages.render import citations_kept, page
from equipment_db.sources import queries as source_queries
from equipment_db.vocab import EntityType


def _cite_box(session: Session, render: Any, key: str, snapshot: dict[str, Any], revision: Any,
              base_url: str) -> list[dict[str, str]]:  # fmt: skip
    def one(fmt: CitationFormat) -> str:
        return render(snapshot, version=revision.version, revised_at=revision.created_at, base_url=base_url, fmt=fmt)

    scope = (str(session.get_bind().url), render.__name__, key, revision.version, revision.created_at, base_url)
    return [{"format": f.value, "label": FORMAT_LABELS[f.value],
             "text": citations_kept.get((*scope, f.value), lambda f=f: one(f))}
            for f in CitationFormat]  # fmt: skip


def system_page(request: Request, session: Session, settings: Settings, key: str,
                version: int | None = None) -> HTMLResponse:  # fmt: skip
    system = catalog_queries.get_system(session, key, field="key")
    revisions = history_queries.revisions(session, EntityType.system, system.id)  # type: ignore[arg-type]
    shown = pick(revisions, version)
    if shown is None:
        raise NotFound("system version", f"{system.slug} v{version}", field="version")
    base_url = settings.public_url.rstrip("/")
    summary = analysis_queries.system_summary(session, system)

    def version_url(number: int) -> str:
        return str(request.url_for("get_system_version", key=system.slug, version=number))

    quantities = analysis_queries.quantities(session, system) if version is None else []
    return page(
        request, "system.html", title=shown.snapshot["name"], system=shown.snapshot, summary=summary,
        charts=charts(quantities, system.name), is_version_page=version is not None,
        shown_version=shown.version, shown_at=shown.created_at, latest_version=revisions[-1].version,
        latest_url=str(request.url_for("get_system", key=system.slug)), version_url=version_url,
        history=history(revisions, version_url, private_editors=settings.private_editors),
        citations=_cite_box(session, render_system, system.slug, shown.snapshot, shown, base_url),
        permalink=version_url(shown.version),
        jsonld=system_jsonld(shown.snapshot, version=shown.version, base_url=base_url),
        json_url=version_url(shown.version) if version is not None else str(request.url),
    )  # fmt: skip


def source_page(request: Request, session: Session, settings: Settings, key: str,
                version: int | None = None) -> HTMLResponse:  # fmt: skip
    source = source_queries.get_source(session, key, field="source_id")
    revisions = history_queries.revisions(session, EntityType.source, source.id)  # type: ignore[arg-type]
    shown = pick(revisions, version)
    if shown is None:
        raise NotFound("source version", f"{source.public_id} v{version}", field="version")
    base_url = settings.public_url.rstrip("/")
    view = source_queries.source_view(session, source.public_id, claims_limit=200)

    def version_url(number: int) -> str:
        return str(request.url_for("get_source_version", source_id=source.public_id, version=number))

    return page(
        request, "source.html", title=shown.snapshot.get("title") or shown.snapshot.get("publisher") or source.public_id,
        source=shown.snapshot, view=view, is_version_page=version is not None,
        shown_version=shown.version, shown_at=shown.created_at, latest_version=revisions[-1].version,
        latest_url=str(request.url_for("get_source", source_id=source.public_id)), version_url=version_url,
        history=history(revisions, version_url, private_editors=settings.private_editors),
        citations=_cite_box(session, render_source, source.public_id, shown.snapshot, shown, base_url),
        permalink=version_url(shown.version),
        jsonld=source_jsonld(shown.snapshot, version=shown.version, base_url=base_url),
        json_url=version_url(shown.version) if version is not None else str(request.url),
    )  # fmt: skip


def compare_page(request: Request, found: dict[str, Any]) -> HTMLResponse:
    names = " vs ".join(s["name"] for s in found["systems"])
    return page(request, "compare.html", title=names, found=found, jsonld=None, json_url=str(request.url))


def timeline_page(request: Request, found: dict[str, Any], rows: list[dict[str, Any]]) -> HTMLResponse:
    """`found`: the timeline's JSON; `rows`: the system's quantities in that country, for the chart."""
    title = f"{found['system']['name']} in {found['country']}: quantity claims over time"
    return page(request, "timeline.html", title=title, found=found, charts=charts(rows, found["system"]["name"]),
                jsonld=None, json_url=str(request.url))  # fmt: skip
