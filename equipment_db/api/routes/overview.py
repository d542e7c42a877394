"""The front door (`/`), the list of countries, and the Atom feeds of changed claims."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from equipment_db.analysis import overview
from equipment_db.analysis.models import CountryRowPublic
from equipment_db.api.deps import SessionDep, SettingsDep, SystemDep
from equipment_db.api.paging import CursorQuery, LimitQuery, Page, decode_cursor, encode_cursor
from equipment_db.pages import feeds
from equipment_db.pages import finding as finding_pages
from equipment_db.pages.negotiate import HTML_PAGE, WantsHtml
from equipment_db.status import HomePublic

router = APIRouter()
DESCRIPTION = ("A reference database of military-equipment systems and of the public claims made about them: "
               "every value cites its sources, says how sure anyone can be of it, and keeps every version.")  # fmt: skip
HOME_CHANGES = 10
FeedLimit = Annotated[int, Query(ge=1, le=overview.CHANGES_MAX,
                                 description=f"How many latest changes (at most {overview.CHANGES_MAX}).")]  # fmt: skip
ATOM = {200: {"content": {feeds.MEDIA_TYPE: {"schema": {"type": "string"}}},
              "description": "An Atom feed (RFC 4287): one entry per version of a claim, newest first."}}  # fmt: skip


def _links(request: Request) -> dict[str, str]:
    named = {"systems": "list_systems", "claims": "list_claims", "sources": "list_sources", "actors": "list_actors",
             "countries": "list_countries", "search": "search", "changes": "changes_feed", "meta": "meta"}  # fmt: skip
    base = str(request.base_url).rstrip("/")
    return {name: str(request.url_for(route)) for name, route in named.items()} | {
        "docs": f"{base}/docs", "openapi": f"{base}/openapi.json"}  # fmt: skip


@router.get("/", tags=["meta"], response_model=HomePublic, responses=HTML_PAGE,
            summary="What the database holds and where to read it (a browser gets the home page)")  # fmt: skip
def home(request: Request, session: SessionDep, html: WantsHtml) -> HomePublic | Response:
    found = HomePublic(name="equipment-db", description=DESCRIPTION, holdings=overview.holdings(session),  # type: ignore[arg-type]
                       links=_links(request))  # fmt: skip
    if html:
        changes = finding_pages.change_rows(request, overview.claim_changes(session, limit=HOME_CHANGES))
        return finding_pages.home_page(request, found.model_dump(), changes)
    return found


@router.get("/v1/countries", tags=["countries"], response_model=Page[CountryRowPublic], responses=HTML_PAGE,
            summary="List the countries claims name as a party or counterparty, by code")  # fmt: skip
def list_countries(request: Request, session: SessionDep, html: WantsHtml, limit: LimitQuery = 50,
                   cursor: CursorQuery = None) -> Page[CountryRowPublic] | Response:  # fmt: skip
    # At most a few hundred rows (ISO 3166 codes), grouped by SQL: the cursor is a position in them.
    start = decode_cursor(cursor, request) or 0
    rows = overview.countries(session)
    shown = rows[start:start + limit]
    next_url = (str(request.url.include_query_params(cursor=encode_cursor(start + limit, request)))
                if start + limit < len(rows) else None)  # fmt: skip
    items = [CountryRowPublic.model_validate(r | {"url": str(request.url_for("get_country", code=r["code"]))})
             for r in shown]  # fmt: skip
    found = Page[CountryRowPublic](items=items, limit=limit, next=next_url)
    return finding_pages.list_page(request, "countries", found.model_dump()) if html else found


@router.get("/v1/changes.atom", tags=["claims"], response_class=Response, responses=ATOM,
            summary="Atom feed of new, revised and retracted claims, newest first")  # fmt: skip
def changes_feed(request: Request, session: SessionDep, settings: SettingsDep, limit: FeedLimit = 50) -> Response:
    return feeds.changes_feed(overview.claim_changes(session, limit=limit), base_url=settings.public_url,
                              feed_url=str(request.url_for("changes_feed")), title="equipment-db: changed claims",
                              page_url=str(request.url_for("home")))  # fmt: skip


@router.get("/v1/systems/{key}/changes.atom", tags=["systems"], response_class=Response, responses=ATOM,
            summary="Atom feed of a system's new, revised and retracted claims, newest first")  # fmt: skip
def system_changes_feed(request: Request, session: SessionDep, settings: SettingsDep, system: SystemDep,
                        limit: FeedLimit = 50) -> Response:  # fmt: skip
    revisions = overview.claim_changes(session, system_id=system.id, limit=limit)
    return feeds.changes_feed(revisions, base_url=settings.public_url,
                              feed_url=str(request.url_for("system_changes_feed", key=system.slug)),
                              title=f"equipment-db: changed claims about {system.name}",
                              page_url=str(request.url_for("get_system", key=system.slug)))  # fmt: skip
