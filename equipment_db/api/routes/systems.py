"""Systems, side-by-side comparison, quantity timelines, target types and countries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import URL

from equipment_db import permalinks
from equipment_db.analysis import compare as analysis_compare
from equipment_db.analysis import queries as analysis_queries
from equipment_db.analysis import stored as analysis_stored
from equipment_db.analysis import timeline as analysis_timeline
from equipment_db.analysis.models import (
    ComparePublic,
    CountryPublic,
    QuantitiesPublic,
    SystemDetailPublic,
    SystemRowPublic,
    TargetTypePublic,
    TimelinePublic,
)
from equipment_db.api.deps import LargeAnswer, SessionDep, SettingsDep, SystemDep, SystemKey, VersionDep
from equipment_db.api.fastread import Reader, json_response, read
from equipment_db.api.paging import CursorQuery, LimitQuery, Page, decode_cursor, encode_cursor
from equipment_db.api.versions import CITATION_RESPONSES, citation_response, snapshot_public
from equipment_db.catalog import queries as catalog_queries
from equipment_db.citations.entities import render_system
from equipment_db.citations.render import CitationFormat
from equipment_db.claims.rules import QUANTITY_KINDS
from equipment_db.errors import InvalidValue, NotFound
from equipment_db.history import queries as history_queries
from equipment_db.history.models import RevisionSnapshotPublic
from equipment_db.normalize.countries import country_code
from equipment_db.pages import entries as entry_pages
from equipment_db.pages import finding as finding_pages
from equipment_db.pages import parties as party_pages
from equipment_db.pages.negotiate import HTML_PAGE, WantsHtml
from equipment_db.pages.render import url_template
from equipment_db.vocab import ClaimKind, Counted, EntityType, SystemCategory

router = APIRouter()
CountryQuery = Annotated[str, Query(min_length=1, max_length=200, description="The party: an ISO code or name, "
                                    "actor:NAME or unknown.", examples=["VE"])]  # fmt: skip
IncludeDeprecated = Annotated[bool, Query(description="Include claims ranked deprecated.")]
IncludeRetracted = Annotated[bool, Query(description="Include retracted entries.")]
TimelineLimit = Annotated[int, Query(ge=1, le=analysis_timeline.TIMELINE_MAX,
                                     description="How many of the latest claims to show (at most 500).")]
REDIRECT = {307: {"description": "The key is an alias: the same request at the canonical slug."}}


def _next(
    request: Request, rows: list[dict[str, Any]], limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, str(request.url.include_query_params(cursor=encode_cursor(rows[-1]["_row_id"], request)))


def _system_url(request: Request, slug: str) -> str:
    return url_template(request, "get_system", "key")(slug)


@router.get(permalinks.SYSTEMS, tags=["systems"], response_model=Page[SystemRowPublic], responses=HTML_PAGE,
            summary="List systems, filtered, oldest first, with cursor pagination")  # fmt: skip
def list_systems(
    request: Request,
    session: SessionDep,
    html: WantsHtml,
    category: SystemCategory | None = None,
    origin: Annotated[
        str | None, Query(max_length=100, description="Country of origin: ISO code or name.", examples=["RU"])
    ] = None,
    target_type: Annotated[
        str | None,
        Query(
            max_length=100,
            examples=["helicopter"],
            description="Systems a capability claim says can engage it.",
        ),
    ] = None,
    text: Annotated[
        str | None,
        Query(
            max_length=200, examples=["grinch"], description="Part of the slug, name or an alias, any case."
        ),
    ] = None,
    include_retracted: IncludeRetracted = False,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[SystemRowPublic] | Response:
    after = decode_cursor(cursor, request)
    where = catalog_queries.system_filter(session, category=category, origin=origin, target_type=target_type,
                                          text=text, include_retracted=include_retracted)  # fmt: skip
    rows = catalog_queries.system_rows(session, where, limit=limit + 1, after=after)
    rows, next_url = _next(request, rows, limit)
    url = url_template(request, "get_system", "key")
    items = [SystemRowPublic.model_validate(r | {"url": url(r["slug"])}) for r in rows]
    found = Page[SystemRowPublic](items=items, limit=limit, next=next_url)
    return finding_pages.list_page(request, "systems", found.model_dump()) if html else found


@router.get(permalinks.SYSTEM, tags=["systems"], response_model=SystemDetailPublic,
            responses=REDIRECT | HTML_PAGE,
            summary="One system: identity, aliases, specifications, target types, claim counts")  # fmt: skip
async def get_system(request: Request, key: SystemKey) -> Response:
    return await read(request, _system_answer, request, key, large_page=True)


def _system_answer(reader: Reader, request: Request, key: str) -> Response:
    """An alias redirects once its slug is read, before the system is loaded."""
    session = reader.session
    system_id, slug, _ = catalog_queries.get_system_key(session, key, field="key")
    if key != slug:
        return RedirectResponse(str(request.url.replace(path=URL(_system_url(request, slug)).path)), status_code=307)
    if reader.wants_html:
        return entry_pages.system_page(request, session, reader.settings, slug)
    system = catalog_queries.system_row(session, system_id)
    if system is None:  # nothing deletes a system; only a write rolled back since the key was read
        raise NotFound("system", key, field="key")
    summary = analysis_queries.system_summary(session, system)
    return json_response(SystemDetailPublic.model_validate(summary | {"url": _system_url(request, slug)}))


@router.get(permalinks.SYSTEM_VERSION, tags=["systems"], response_model=RevisionSnapshotPublic,
            responses=HTML_PAGE, summary="One version of a system, as it was (immutable)")  # fmt: skip
def get_system_version(request: Request, session: SessionDep, settings: SettingsDep, system: SystemDep,
                       version: VersionDep,
                       html: WantsHtml) -> RevisionSnapshotPublic | Response:  # fmt: skip
    if html:
        return entry_pages.system_page(request, session, settings, system.slug, version)
    r = history_queries.revision(session, EntityType.system, system.id, version, key=system.slug)  # type: ignore[arg-type]
    return snapshot_public(request, r, _system_version_url(request, system.slug, r.version))  # fmt: skip


@router.get(permalinks.SYSTEM_CITATION, tags=["systems"],
            summary="Cite a system's catalogue entry (APA, Chicago, MLA, BibTeX, RIS, CSL-JSON)",
            response_class=PlainTextResponse,
            responses=CITATION_RESPONSES)  # fmt: skip
def cite_system(session: SessionDep, settings: SettingsDep, system: SystemDep,
                format: CitationFormat = CitationFormat.apa,
                version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Response:  # fmt: skip
    r = history_queries.revision(
        session, EntityType.system, system.id, version or system.version, key=system.slug
    )  # type: ignore[arg-type]
    text = render_system(r.snapshot, version=r.version, revised_at=r.created_at,
                         base_url=settings.public_url.rstrip("/"), fmt=format)  # fmt: skip
    return citation_response(text, format)


def _system_version_url(request: Request, slug: str, version: int) -> str:
    return str(request.url_for("get_system_version", key=slug, version=version))


@router.get(permalinks.COMPARE, tags=["systems"], response_model=ComparePublic, responses=HTML_PAGE,
            summary="Compare 2 to 10 systems: every sourced value side by side")  # fmt: skip
async def compare_systems(
    request: Request,
    session: SessionDep,
    html: WantsHtml,
    systems: Annotated[
        str | None,
        Query(
            max_length=2000,
            examples=["igla-s,fim-92-stinger"],
            description="2 to 10 slugs or aliases, comma-separated.",
        ),
    ] = None,
    system: Annotated[
        list[str] | None,
        Query(
            max_length=200,
            examples=[["igla-s", "stinger"]],
            description="The same, one per parameter (repeated).",
        ),
    ] = None,
    include_deprecated: IncludeDeprecated = False,
) -> Response:
    return await run_in_threadpool(_compare_answer, request, session, html, systems, system, include_deprecated)


def _compare_answer(request: Request, session: Session, html: bool, systems: str | None, system: list[str] | None,
                    include_deprecated: bool) -> Response:  # fmt: skip
    keys, field = (
        (system, "system") if systems is None and system else ((systems or "").split(","), "systems")
    )
    found = analysis_compare.compare_systems(session, keys, field=field, include_deprecated=include_deprecated)
    for ref in found["systems"]:
        ref["url"] = _system_url(request, ref["slug"])
    if found["deprecated_hidden"] and not include_deprecated:
        found["show_deprecated_url"] = str(request.url.include_query_params(include_deprecated="true"))
    if html:
        return entry_pages.compare_page(request, session, ComparePublic.model_validate(found).model_dump())
    return json_response(ComparePublic.model_validate(found))


@router.get(permalinks.TIMELINE, tags=["systems"], response_model=TimelinePublic, responses=HTML_PAGE,
            dependencies=[LargeAnswer],
            summary="Quantity claims for a system in a country, in date order, contradictions flagged")  # fmt: skip
def get_timeline(
    request: Request,
    session: SessionDep,
    html: WantsHtml,
    system: Annotated[
        str, Query(min_length=1, max_length=200, description="Slug or any alias.", examples=["igla-s"])
    ],
    country: CountryQuery,
    include_deprecated: IncludeDeprecated = False,
    include_retracted: IncludeRetracted = False,
    limit: TimelineLimit = analysis_timeline.TIMELINE_LIMIT,
) -> TimelinePublic:
    found = analysis_timeline.timeline(session, system, country, include_deprecated=include_deprecated,
                                       include_retracted=include_retracted, limit=limit)  # fmt: skip
    found["system"]["url"] = _system_url(request, found["system"]["slug"])
    result = TimelinePublic.model_validate(found)
    if html:
        system = catalog_queries.get_system(session, result.system.slug, field="system")
        rows = analysis_stored.quantity_rows(session, system.id, country=result.country) if result.country else []
        return entry_pages.timeline_page(request, result.model_dump(), rows)
    return result


@router.get("/v1/systems/{key}/timeline", tags=["systems"], response_model=TimelinePublic, responses=HTML_PAGE,
            dependencies=[LargeAnswer],
            summary="The same as /v1/timeline?system={key}")  # fmt: skip
def get_system_timeline(request: Request, session: SessionDep, html: WantsHtml, system: SystemDep,
                        country: CountryQuery,
                        include_deprecated: IncludeDeprecated = False,
                        include_retracted: IncludeRetracted = False,
                        limit: TimelineLimit = analysis_timeline.TIMELINE_LIMIT) -> TimelinePublic:  # fmt: skip
    return get_timeline(request, session, html, system.slug, country, include_deprecated, include_retracted, limit)


@router.get("/v1/systems/{key}/quantities", tags=["systems"], response_model=QuantitiesPublic,
            dependencies=[LargeAnswer],
            summary="A system's quantity claims by party and year: flows added up, stocks as a range")  # fmt: skip
def get_quantities(
    request: Request,
    session: SessionDep,
    system: SystemDep,
    kind: Annotated[ClaimKind | None, Query(description="A quantity kind, e.g. inventory.")] = None,
    counted: Annotated[Counted | None, Query(description="What is counted, e.g. missiles.")] = None,
    country: Annotated[str | None, Query(max_length=100, description="ISO code or name.")] = None,
) -> Response:
    if kind is not None and kind not in QUANTITY_KINDS:
        raise InvalidValue("kind", kind.value, f"is not a quantity kind ({', '.join(sorted(QUANTITY_KINDS))})")
    code = country_code(country, field="country") if country else None
    ref = {"slug": system.slug, "name": system.name, "url": _system_url(request, system.slug)}
    # The stored rows' JSON, joined (migration 0020): the most claimed system of the benchmark's
    # M scale has 21,762 rows, which cost seconds to compute and ~40 MB per request as objects.
    body = analysis_stored.quantities_json(session, system.id, ref, kind=kind.value if kind else None,  # type: ignore[arg-type]
                                           counted=counted.value if counted else None, country=code)  # fmt: skip
    return Response(body, media_type="application/json")


@router.get("/v1/target-types", tags=["systems"], response_model=Page[TargetTypePublic],
            summary="List target types with how many capability claims name each")  # fmt: skip
def list_target_types(request: Request, session: SessionDep, limit: LimitQuery = 50,
                      cursor: CursorQuery = None) -> Page[TargetTypePublic]:  # fmt: skip
    rows = catalog_queries.target_type_rows(session, limit=limit + 1, after=decode_cursor(cursor, request))
    rows, next_url = _next(request, rows, limit)
    return Page[TargetTypePublic](items=[TargetTypePublic.model_validate(r) for r in rows], limit=limit,
                                  next=next_url)  # fmt: skip


@router.get("/v1/countries/{code}", tags=["countries"], response_model=CountryPublic, responses=HTML_PAGE,
            summary="A country: claims about it by kind, and the systems it has quantity claims for")  # fmt: skip
def get_country(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    html: WantsHtml,
    code: Annotated[
        str, Path(min_length=1, max_length=100, description="ISO code or name.", examples=["VE"])
    ],
) -> CountryPublic | Response:
    found = analysis_queries.country_summary(session, code)
    for ref in found["systems"]:
        ref["url"] = _system_url(request, ref["slug"])
    if html:
        return party_pages.country_page(request, settings, found)
    return CountryPublic.model_validate(found)
