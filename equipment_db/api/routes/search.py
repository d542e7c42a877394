"""Search: one box over systems, claims and sources, best match first."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from equipment_db.api.deps import query_time_limit
from equipment_db.api.lanes import lane
from equipment_db.pages import finding as finding_pages
from equipment_db.pages.negotiate import HTML_PAGE, prefers_html
from equipment_db.search import queries as search_queries
from equipment_db.search.queries import MAX_LIMIT, MAX_QUERY_LENGTH

router = APIRouter(prefix="/v1/search", tags=["search"])
PATHS = {"system": "v1/systems/{}", "claim": "v1/claims/{}", "source": "v1/sources/{}"}
TYPES_PATTERN = r"^\s*(system|claim|source)\s*(,\s*(system|claim|source)\s*)*$"


class SearchHitPublic(BaseModel):
    type: Literal["system", "claim", "source"] = Field(examples=["system"])
    id: str = Field(description="Slug of a system, id of a claim (C-...) or a source (S-...).",
                    examples=["igla-s"])  # fmt: skip
    title: str = Field(description="System name; claim wording or subject; source title or publisher.",
                       examples=["9K338 Igla-S"])  # fmt: skip
    snippet: str = Field(description="The matching passage; matched words between « and ».",
                         examples=["9K338 · Igla-S · SA-24 · SA-24 «Grinch» · igla-s"])  # fmt: skip
    score: float = Field(description="Relevance, higher is better; compare within one answer only.")
    url: str = Field(description="The entry's address in the API.")


class SearchResultsPublic(BaseModel):
    query: str = Field(examples=["Grinch"])
    types: list[Literal["system", "claim", "source"]]
    limit: int
    items: list[SearchHitPublic]


Words = Annotated[str, Query(
    min_length=1, max_length=MAX_QUERY_LENGTH, examples=["Grinch"],
    description="Words to find, all of them; the last may be the start of a word. Case and "
                "diacritics are ignored; quotes and operators are plain text.",
)]  # fmt: skip
Types = Annotated[str, Query(max_length=50, pattern=TYPES_PATTERN, examples=["system,claim"],
                             description="Comma-separated: system, claim, source.")]  # fmt: skip
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT} results.")]


DESCRIPTION = f"""Every live system, claim and source holding all the words, best match first
(bm25 on SQLite, ts_rank on PostgreSQL; a match in a title counts more).

**Ranking of common words.** Only the {search_queries.CANDIDATES:,} newest matches of the types
asked for are ranked, newest by when their entry was created. A word found in fewer entries is
ranked over all of them; for a word found in more, the best of the newest {search_queries.CANDIDATES:,}
come first and an older entry that would score higher is not returned. Ask for fewer types
(`types=system`) or add a word to reach older entries.

**The last word as a prefix.** The last word also finds the words it begins (`stinger` finds
`stingers`), unless, as typed, it is already in {search_queries.CANDIDATES:,} entries of the
types asked for: then it is matched as typed only."""


@router.get("", summary="Search systems, claims and sources by words, best match first",
            description=DESCRIPTION, response_model=SearchResultsPublic, responses=HTML_PAGE)  # fmt: skip
async def search(request: Request, q: Words, types: Types = "system,claim,source",
                 limit: Limit = 20) -> SearchResultsPublic | Response:  # fmt: skip
    # Searches run in a lane of their own (equipment_db/api/lanes.py): a common word's matches
    # are merged in memory (~30 MB for a million documents), so a few at a time keep the
    # process small, and a flood of them is answered 503 at once instead of taking the
    # threads and connections that other requests need.
    wanted = search_queries.parse_types(types)
    hits = await lane(request, "searches").run(_search, request, q, wanted, limit, field="q", value=q)
    base = str(request.base_url)
    # The answer is built as the model's JSON, in its field order, and sent as is: validating
    # our own hits again through the response model cost more than the rare word's query.
    found = {"query": q, "types": list(wanted), "limit": limit,
             "items": [{"type": h.type, "id": h.key, "title": h.title, "snippet": h.snippet, "score": h.score,
                        "url": base + PATHS[h.type].format(h.key)} for h in hits]}  # fmt: skip
    # The page is rendered here, in the event loop, from the hits the lane found: no session.
    # Asked here, not by the `WantsHtml` dependency: each dependency costs FastAPI ~10 µs a request.
    html = prefers_html(request.headers.get("accept"))
    return finding_pages.search_page(request, found) if html else JSONResponse(found)


def _search(request: Request, q: str, wanted: tuple[str, ...], limit: int) -> list[search_queries.SearchHit]:
    """In a search worker's thread: a connection of its own (one statement needs no ORM
    session), under the request's time limit, given back before the answer is sent."""
    state = request.app.state
    with query_time_limit(int(state.settings.query_timeout_ms)), state.engine.connect() as connection:
        return search_queries.search(connection, q, types=wanted, limit=limit)
