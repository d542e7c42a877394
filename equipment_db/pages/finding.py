"""Pages for finding things: the home page, the browsable lists (systems, claims, sources,
actors, countries) with their filters as a plain GET form, and search results by type.

A list's form uses the JSON API's own parameter names, so a page's address and its JSON's
are the same; its "Next page" is the JSON's `next`. Forms need no script: a browser that
sends the empty fields of a form is sent, once, to the address without them
(`drop_empty_fields`), since `kind=` is not a kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from equipment_db.citations.text import claim_sentence
from equipment_db.history.models import Revision
from equipment_db.pages.negotiate import prefers_html
from equipment_db.pages.render import page
from equipment_db.vocab import (
    ActorKind,
    Attribute,
    ClaimKind,
    Rank,
    SourceKind,
    SystemCategory,
    VerificationStatus,
)


@dataclass(frozen=True)
class Field:
    """One filter of a list's form: `name` is the API's query parameter."""

    name: str
    label: str
    choices: type[StrEnum] | None = None  # a select of these values, "any" first
    checkbox: bool = False
    hint: str = ""


CHECK_RETRACTED = Field("include_retracted", "Include retracted entries", checkbox=True)
LISTS: dict[str, dict[str, Any]] = {
    "systems": {"title": "Systems", "route": "list_systems",
                "intro": "Every catalogued system, in order of entry. Each has a page with its sourced values.",
                "fields": [Field("text", "Name, slug or alias contains"),
                           Field("category", "Category", SystemCategory),
                           Field("origin", "Country of origin", hint="ISO code or name, e.g. RU"),
                           Field("target_type", "Can engage target type", hint="e.g. helicopter"),
                           CHECK_RETRACTED]},
    "claims": {"title": "Claims", "route": "list_claims",
               "intro": "Every sourced claim, in order of entry: open one for its sources, quotes and history.",
               "fields": [Field("text", "Words in the claim"),
                          Field("system", "System", hint="slug or any alias, e.g. igla-s"),
                          Field("country", "Country (party)", hint="ISO code or name"),
                          Field("kind", "Kind", ClaimKind), Field("attribute", "Attribute", Attribute),
                          Field("status", "Verification status", VerificationStatus),
                          Field("rank", "Rank", Rank),
                          Field("claimant", "Claimant"), Field("source", "Source", hint="id or URL"),
                          Field("stated_from", "Stated from", hint="a year or date, e.g. 2025"),
                          Field("stated_to", "Stated until"),
                          Field("about_from", "About the time from"), Field("about_to", "About the time until"),
                          Field("include_deprecated", "Include claims ranked deprecated", checkbox=True),
                          CHECK_RETRACTED]},
    "sources": {"title": "Sources", "route": "list_sources",
                "intro": "Where claims were read: articles, statements, reports, datasets.",
                "fields": [Field("text", "Title or publisher contains"), Field("kind", "Kind", SourceKind),
                           Field("publisher", "Publisher contains"),
                           Field("language", "Language", hint="a language tag, e.g. en"),
                           CHECK_RETRACTED]},
    "actors": {"title": "Actors", "route": "list_actors",
               "intro": "Who makes claims: people, governments, armed forces, companies, outlets, institutes.",
               "fields": [Field("kind", "Kind", ActorKind),
                          Field("country", "Country", hint="ISO code or name"), CHECK_RETRACTED]},
    "countries": {"title": "Countries", "route": "list_countries",
                  "intro": "The countries that claims name as a party (holder, recipient) or counterparty "
                           "(a supplier).",
                  "fields": []},
}  # fmt: skip
PAGING = ("cursor", "limit", "include")


def list_page(request: Request, which: str, found: dict[str, Any]) -> HTMLResponse:
    """`found`: the list's JSON (items, limit, next). The filters in force fill the form;
    parameters it has no field for (e.g. `party`) ride along hidden."""
    spec = LISTS[which]
    names = {f.name for f in spec["fields"]}
    hidden = [(k, v) for k, v in request.query_params.multi_items() if k not in names and k not in PAGING]
    values = dict(request.query_params.items())
    claims = request.url_for("list_claims")
    return page(request, "list.html", title=spec["title"], which=which, spec=spec, found=found, values=values,
                hidden=hidden, filtered=any(k in names for k in values), paged="cursor" in values,
                first_url=str(request.url.remove_query_params("cursor")),
                claims_of=lambda name: str(claims.include_query_params(claimant=name)),
                claims_in=lambda code: str(claims.include_query_params(country=code)),
                action=str(request.url_for(spec["route"]).path), jsonld=None, json_url=str(request.url))  # fmt: skip


def home_page(request: Request, home: dict[str, Any], changes: list[dict[str, Any]]) -> HTMLResponse:
    return page(request, "home.html", title="Home", home=home, changes=changes, jsonld=None,
                json_url=str(request.url), feed_url=home["links"]["changes"])  # fmt: skip


def change_rows(request: Request, revisions: list[Revision]) -> list[dict[str, Any]]:
    """Versions of claims as people read them: what happened, to which claim, when."""
    return [{"id": r.entity_key, "version": r.version, "action": r.action.value, "at": r.created_at,
             "reason": r.reason, "sentence": claim_sentence(r.snapshot),
             "url": str(request.url_for("get_version", claim_id=r.entity_key, version=r.version)),
             "claim_url": str(request.url_for("get_claim", claim_id=r.entity_key))}
            for r in revisions]  # fmt: skip


MARKED = re.compile(r"«(.*?)»")
GROUPS = (("system", "Systems"), ("claim", "Claims"), ("source", "Sources"))


def search_page(request: Request, found: dict[str, Any]) -> HTMLResponse:
    """`found`: the search's JSON. Hits grouped by type, each group best match first."""
    groups = [{"type": kind, "title": title,
               "hits": [h | {"parts": snippet_parts(h["snippet"])} for h in found["items"] if h["type"] == kind],
               "only_url": str(request.url.include_query_params(types=kind))}
              for kind, title in GROUPS if kind in found["types"]]  # fmt: skip
    return page(request, "search.html", title=f"Search: {found['query']}", found=found, groups=groups,
                jsonld=None, json_url=str(request.url))  # fmt: skip


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """`a «match» b` as [("a ", False), ("match", True), (" b", False)]: marked, not markup."""
    return [(part, i % 2 == 1) for i, part in enumerate(MARKED.split(snippet)) if part]


class EmptyFields(Exception):  # a redirect, not an error
    def __init__(self, location: str) -> None:
        self.location = location


async def drop_empty_fields(request: Request) -> None:
    """A dependency of every route: a browser's form sends its empty fields (`kind=`); the
    same address without them is where it meant to go. Scripts get the API's answer as ever."""
    items = request.query_params.multi_items()
    if request.method in ("GET", "HEAD") and any(v == "" for _, v in items) and prefers_html(
            request.headers.get("accept")):  # fmt: skip
        kept = [(k, v) for k, v in items if v != ""]
        raise EmptyFields(request.url.path + (f"?{urlencode(kept)}" if kept else ""))


def redirect(exc: EmptyFields) -> RedirectResponse:
    return RedirectResponse(exc.location, status_code=303)
