"""Claims: filtered lists, one claim with its sources, its versions, its citations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel

from equipment_db import permalinks
from equipment_db.api.deps import ClaimDep, ClaimId, SessionDep, SettingsDep, VersionDep
from equipment_db.api.fastread import Reader, json_response, read
from equipment_db.api.paging import CursorQuery, LimitQuery, Page, decode_cursor, encode_cursor
from equipment_db.api.versions import CITATION_RESPONSES, citation_response, revision_public, snapshot_public
from equipment_db.citations import jsonld
from equipment_db.citations.cited import cited_version
from equipment_db.citations.render import CitationFormat, render
from equipment_db.claims import prepared as claim_prepared
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import ClaimDetailPublic, ClaimRowPublic
from equipment_db.history import queries as history_queries
from equipment_db.history.models import RevisionPublic, RevisionSnapshotPublic
from equipment_db.pages import claims as claim_pages
from equipment_db.pages import finding as finding_pages
from equipment_db.pages.negotiate import HTML_PAGE, WantsHtml
from equipment_db.pages.render import url_template
from equipment_db.vocab import (
    Attribute,
    ClaimKind,
    Counted,
    EntityType,
    Rank,
    Scope,
    Stance,
    VerificationStatus,
)

router = APIRouter(tags=["claims"])
ClaimPage = Page[ClaimRowPublic]
Text = Annotated[str | None, Query(max_length=200)]


class ClaimListQuery(BaseModel):
    """The claims list's query, validated in one call: a parameter at a time cost FastAPI
    147 µs a request for these 24 (measured)."""

    system: Annotated[
        str | None, Query(max_length=200, description="Slug or any alias.", examples=["igla-s"])
    ] = None
    country: Annotated[str | None, Query(max_length=100, examples=["VE"], description="The party as a country: "
                                                                                     "code or name.")] = None
    party: Annotated[str | None, Query(max_length=200, description="The holder or recipient, any kind: a country, "
                                       "`actor:NAME` or `unknown`.", examples=["XK"])] = None
    counterparty: Annotated[str | None, Query(max_length=200, description="The other party (a transfer's supplier), "
                                              "any kind, as `party`.")] = None
    kind: ClaimKind | None = None
    scope: Annotated[Scope | None, Query(description="The state of what is counted.")] = None
    counted: Annotated[Counted | None, Query(description="What a quantity counts.")] = None
    stance: Annotated[Stance | None, Query(description="`denies`: denials only.")] = None
    external_id: Annotated[str | None, Query(max_length=300, description="An external id, SCHEME:VALUE.",
                                             examples=["sipri_deal:12345"])] = None
    attribute: Annotated[Attribute | None, Query(description="A specification attribute.")] = None
    claimant: Text = None
    source: Annotated[str | None, Query(max_length=2000, description="Source id or URL.")] = None
    status: VerificationStatus | None = None
    rank: Rank | None = None
    stated_from: Annotated[str | None, Query(max_length=10, examples=["2025"])] = None
    stated_to: Annotated[str | None, Query(max_length=10)] = None
    about_from: Annotated[str | None, Query(max_length=10)] = None
    about_to: Annotated[str | None, Query(max_length=10)] = None
    text: Text = None
    include_deprecated: bool = False
    include_retracted: bool = False
    include: Annotated[
        Literal["citations"] | None,
        Query(description="`citations`: each row carries its citations and their sources (one more query)."),
    ] = None
    limit: LimitQuery = 50
    cursor: CursorQuery = None


_NOT_FILTERS = ("include", "limit", "cursor")


@router.get(permalinks.CLAIMS, summary="List claims, filtered, oldest first, with cursor pagination",
            response_model=Page[ClaimRowPublic], responses=HTML_PAGE)  # fmt: skip
async def list_claims(request: Request, query: Annotated[ClaimListQuery, Query()]) -> Page[ClaimRowPublic] | Response:
    return await read(request, _claims_answer, request, query)


def _claims_answer(reader: Reader, request: Request, query: ClaimListQuery) -> Response:
    filters = {name: value for name, value in query if name not in _NOT_FILTERS}
    where = claim_queries.filter_from_input(
        lambda: reader.session, **filters, system_id_of=lambda key: claim_prepared.system_id(reader.rows, key)
    )
    limit = query.limit
    after_id = decode_cursor(query.cursor, request)
    rows = claim_prepared.claim_rows(reader.rows, reader.dialect, where, limit=limit + 1, after_id=after_id)
    more = len(rows) > limit
    rows = rows[:limit]
    if query.include == "citations":
        cited = claim_prepared.citations_by_claim(reader.rows, [r["_row_id"] for r in rows])
        for row in rows:
            row["citations"] = cited[row["_row_id"]]
    url = url_template(request, "get_claim", "claim_id")
    for row in rows:
        row["url"] = url(row["id"])
    next_url = (
        str(request.url.include_query_params(cursor=encode_cursor(rows[-1]["_row_id"], request))) if more else None
    )
    found = ClaimPage.model_validate({"items": rows, "limit": limit, "next": next_url})
    return finding_pages.list_page(request, "claims", found.model_dump()) if reader.wants_html else json_response(found)


@router.get(permalinks.CLAIM, summary="One claim with its citations, reporting chains and links",
            response_model=ClaimDetailPublic, responses=HTML_PAGE)  # fmt: skip
async def get_claim(request: Request, claim_id: ClaimId) -> ClaimDetailPublic | Response:
    return await read(request, _claim_answer, request, claim_id)


def _claim_answer(reader: Reader, request: Request, claim_id: str) -> Response:
    if reader.wants_html:
        session = reader.session  # first: the key is then read on the session's connection, the request's one
        claim = claim_prepared.claim_key(reader.rows, claim_id, field="claim_id")
        return claim_pages.claim_page(request, session, reader.settings, claim)
    detail = claim_prepared.claim_detail(reader.rows, claim_id, field="claim_id")
    detail["url"] = url_template(request, "get_claim", "claim_id")(detail["id"])
    return json_response(ClaimDetailPublic.model_validate(detail))


@router.get(permalinks.CLAIM_VERSIONS, summary="Every version of a claim", response_model=list[RevisionPublic])
def list_versions(request: Request, session: SessionDep, claim: ClaimDep) -> list[RevisionPublic]:
    return [revision_public(request, r, _version_url(request, claim.public_id, r.version))
            for r in history_queries.revisions(session, EntityType.claim, claim.id)]  # type: ignore[arg-type]  # fmt: skip


@router.get(permalinks.CLAIM_VERSION, summary="One version of a claim, as it was (immutable)",
            response_model=RevisionSnapshotPublic, responses=HTML_PAGE)  # fmt: skip
def get_version(request: Request, session: SessionDep, settings: SettingsDep, claim: ClaimDep,
                version: VersionDep,
                html: WantsHtml) -> RevisionSnapshotPublic | Response:  # fmt: skip
    if html:
        return claim_pages.claim_page(request, session, settings, claim, version)
    r = history_queries.revision(session, EntityType.claim, claim.id, version, key=claim.public_id)  # type: ignore[arg-type]
    return snapshot_public(request, r, _version_url(request, claim.public_id, r.version))  # fmt: skip


@router.get(permalinks.CLAIM_CITATION, summary="Cite a claim (APA, Chicago, MLA, BibTeX, RIS, CSL-JSON)",
            response_class=PlainTextResponse,
            responses=CITATION_RESPONSES)  # fmt: skip
def cite_claim(session: SessionDep, settings: SettingsDep, claim: ClaimDep,
               format: CitationFormat = CitationFormat.apa,
               version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None) -> Response:  # fmt: skip
    cited = cited_version(session, claim, version, settings.public_url)
    return citation_response(render(cited, format), format)


def _version_url(request: Request, public_id: str, version: int) -> str:
    return str(request.url_for("get_version", claim_id=public_id, version=version))


@router.get(permalinks.CLAIM_REVIEW, summary="The claim's assessment as schema.org ClaimReview JSON-LD",
            response_class=JSONResponse,
            responses={200: {"content": {"application/ld+json": {}}}})  # fmt: skip
def claim_review(request: Request, session: SessionDep, settings: SettingsDep, claim: ClaimDep) -> Response:
    body = jsonld.claim_review(cited_version(session, claim, None, settings.public_url))
    return JSONResponse(body, media_type="application/ld+json")
