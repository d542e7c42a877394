"""Sources and actors: where a claim was read and who made it, each with its claims."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from equipment_db import permalinks
from equipment_db.actors import queries as actor_queries
from equipment_db.actors.models import ActorPublic, ActorRowPublic
from equipment_db.api.deps import ActorDep, SessionDep, SettingsDep, SourceDep, SourceIdDep, VersionDep
from equipment_db.api.paging import (
    MAX_LIMIT,
    CursorQuery,
    LimitQuery,
    Page,
    decode_cursor,
    encode_cursor,
)
from equipment_db.api.versions import CITATION_RESPONSES, citation_response, snapshot_public
from equipment_db.citations.entities import render_source
from equipment_db.citations.render import CitationFormat
from equipment_db.history import queries as history_queries
from equipment_db.history.models import RevisionSnapshotPublic
from equipment_db.pages import entries as entry_pages
from equipment_db.pages import finding as finding_pages
from equipment_db.pages import parties as party_pages
from equipment_db.pages.negotiate import HTML_PAGE, WantsHtml
from equipment_db.pages.render import url_template
from equipment_db.sources import queries as source_queries
from equipment_db.sources.models import SourcePublic, SourceRowPublic
from equipment_db.vocab import ActorKind, EntityType, SourceKind

router = APIRouter()
ClaimsLimit = Annotated[int, Query(ge=0, le=MAX_LIMIT, examples=[20],
                                   description=f"How many of its claims to include (at most {MAX_LIMIT}).")]  # fmt: skip
Text = Annotated[str | None, Query(max_length=200)]


@router.get(permalinks.SOURCES, tags=["sources"], response_model=Page[SourceRowPublic], responses=HTML_PAGE,
            summary="List sources, filtered, oldest first, with cursor pagination")  # fmt: skip
def list_sources(
    request: Request,
    session: SessionDep,
    html: WantsHtml,
    kind: SourceKind | None = None,
    publisher: Annotated[
        str | None,
        Query(max_length=200, description="Part of the publisher's name, any case.", examples=["Anadolu"]),
    ] = None,
    language: Annotated[
        str | None, Query(max_length=35, description="Language tag.", examples=["en"])
    ] = None,
    text: Annotated[
        str | None,
        Query(max_length=200, description="Part of the title or publisher, any case.", examples=["missiles"]),
    ] = None,
    url: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="The source published at this URL (compared normalised).",
            examples=["https://defensivelines.com/?p=4182"],
        ),
    ] = None,
    include_retracted: bool = False,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[SourceRowPublic] | Response:
    where = source_queries.source_filter(kind=kind, publisher=publisher, language=language, text=text, url=url,
                                         include_retracted=include_retracted)  # fmt: skip
    rows = source_queries.source_rows(session, where, limit=limit + 1, after=decode_cursor(cursor, request))
    more = len(rows) > limit
    rows = rows[:limit]
    source_url = url_template(request, "get_source", "source_id")
    items = [SourceRowPublic.model_validate(r | {"api_url": source_url(r["id"])})
             for r in rows]  # fmt: skip
    next_url = (
        str(request.url.include_query_params(cursor=encode_cursor(rows[-1]["_row_id"], request))) if more else None
    )
    found = Page[SourceRowPublic](items=items, limit=limit, next=next_url)
    return finding_pages.list_page(request, "sources", found.model_dump()) if html else found


@router.get(permalinks.SOURCE, tags=["sources"], response_model=SourcePublic, responses=HTML_PAGE,
            summary="One source with its reporting chain and the claims it carries")  # fmt: skip
def get_source(request: Request, session: SessionDep, settings: SettingsDep, source: SourceIdDep,
               html: WantsHtml, claims_limit: ClaimsLimit = 100) -> SourcePublic | Response:  # fmt: skip
    if html:
        return entry_pages.source_page(request, session, settings, source.public_id)
    detail = source_queries.source_view(session, source, claims_limit=claims_limit)
    detail["api_url"] = str(request.url_for("get_source", source_id=detail["id"]))
    detail["claims_url"] = str(request.url_for("list_claims").include_query_params(
        source=detail["id"], include_deprecated="true"))  # fmt: skip
    claim_url = url_template(request, "get_claim", "claim_id")
    for claim in detail["claims"]:
        claim["api_url"] = claim_url(claim["id"])
    return SourcePublic.model_validate(detail)


@router.get(permalinks.SOURCE_VERSION, tags=["sources"], response_model=RevisionSnapshotPublic,
            responses=HTML_PAGE, summary="One version of a source, as it was (immutable)")  # fmt: skip
def get_source_version(request: Request, session: SessionDep, settings: SettingsDep, source: SourceDep,
                       version: VersionDep,
                       html: WantsHtml) -> RevisionSnapshotPublic | Response:  # fmt: skip
    if html:
        return entry_pages.source_page(request, session, settings, source.public_id, version)
    r = history_queries.revision(session, EntityType.source, source.id, version, key=source.public_id)  # type: ignore[arg-type]
    url = str(request.url_for("get_source_version", source_id=source.public_id, version=r.version))
    return snapshot_public(request, r, url)  # fmt: skip


@router.get(permalinks.SOURCE_CITATION, tags=["sources"],
            summary="Cite a source itself (APA, Chicago, MLA, BibTeX, RIS, CSL-JSON)",
            response_class=PlainTextResponse,
            responses=CITATION_RESPONSES)  # fmt: skip
def cite_source(session: SessionDep, settings: SettingsDep, source: SourceDep,
                format: CitationFormat = CitationFormat.apa,
                version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Response:  # fmt: skip
    r = history_queries.revision(
        session, EntityType.source, source.id, version or source.version, key=source.public_id
    )  # type: ignore[arg-type]
    text = render_source(r.snapshot, version=r.version, revised_at=r.created_at,
                         base_url=settings.public_url.rstrip("/"), fmt=format)  # fmt: skip
    return citation_response(text, format)


@router.get(permalinks.ACTORS, tags=["actors"], response_model=Page[ActorRowPublic], responses=HTML_PAGE,
            summary="List actors (who makes claims), filtered, with cursor pagination")  # fmt: skip
def list_actors(
    request: Request,
    session: SessionDep,
    html: WantsHtml,
    kind: ActorKind | None = None,
    country: Annotated[
        str | None, Query(max_length=100, description="Code or name.", examples=["VE"])
    ] = None,
    include_retracted: bool = False,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ActorRowPublic] | Response:
    rows = actor_queries.actor_rows(session, kind=kind, country=country, include_retracted=include_retracted,
                                    limit=limit + 1, after=decode_cursor(cursor, request))  # fmt: skip
    more = len(rows) > limit
    rows = rows[:limit]
    items = [ActorRowPublic.model_validate(r | {"api_url": _actor_url(request, r["name"])})
             for r in rows]  # fmt: skip
    next_url = (
        str(request.url.include_query_params(cursor=encode_cursor(rows[-1]["_row_id"], request))) if more else None
    )
    found = Page[ActorRowPublic](items=items, limit=limit, next=next_url)
    return finding_pages.list_page(request, "actors", found.model_dump()) if html else found


@router.get(permalinks.ACTOR, tags=["actors"], response_model=ActorPublic, responses=HTML_PAGE,
            summary="One actor with the claims they made")  # fmt: skip
def get_actor(request: Request, session: SessionDep, settings: SettingsDep, actor: ActorDep, html: WantsHtml,
              claims_limit: ClaimsLimit = 100) -> ActorPublic | Response:  # fmt: skip
    detail = actor_queries.actor_view(session, actor, claims_limit=claims_limit)
    detail["api_url"] = _actor_url(request, detail["name"])
    detail["claims_url"] = str(request.url_for("list_claims").include_query_params(
        claimant=detail["name"], include_deprecated="true"))  # fmt: skip
    claim_url = url_template(request, "get_claim", "claim_id")
    for claim in detail["claims"]:
        claim["api_url"] = claim_url(claim["id"])
    if html:
        return party_pages.actor_page(request, settings, detail)
    return ActorPublic.model_validate(detail)


def _actor_url(request: Request, name: str) -> str:
    return str(request.url_for("get_actor", name=quote(name, safe="")))
