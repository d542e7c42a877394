"""The pages of who claims and who is claimed about: a country and an actor. Each lays out its
JSON for reading and links the claims about or by them (the claims list with the filter set)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse

from equipment_db import permalinks
from equipment_db.config import Settings
from equipment_db.pages.render import page


def country_page(request: Request, settings: Settings, found: dict[str, Any]) -> HTMLResponse:
    """`found`: the country's JSON. Its permalink names it by its code, however it was asked for."""
    code = found["code"]
    claims = request.url_for("list_claims")

    def as_party(**params: str) -> str:
        return str(claims.include_query_params(country=code, **params))

    def as_counterparty(**params: str) -> str:
        return str(claims.include_query_params(counterparty=code, **params))

    systems = [s | {"timeline": str(request.url_for("get_system_timeline", key=s["slug"])
                                    .include_query_params(country=code)),
                    "claims": as_party(system=s["slug"])}
               for s in found["systems"]]  # fmt: skip
    return page(request, "country.html", title=found["name"], country=found, systems=systems,
                as_party=as_party, as_counterparty=as_counterparty,
                permalink=settings.public_url.rstrip("/") + str(request.url_for("get_country", code=code).path),
                jsonld=None, json_url=str(request.url))  # fmt: skip


def actor_page(request: Request, settings: Settings, detail: dict[str, Any]) -> HTMLResponse:
    """`detail`: the actor's JSON (its claims with their addresses, and `claims_url`)."""
    moments = {k: datetime.fromisoformat(detail[k]) for k in ("created_at", "updated_at", "retracted_at")
               if detail.get(k)}  # fmt: skip
    return page(request, "actor.html", title=detail["name"], actor=detail, moments=moments,
                permalink=settings.public_url.rstrip("/") + permalinks.path(permalinks.ACTOR, name=detail["name"]),
                wikidata=f"https://www.wikidata.org/wiki/{quote(detail['wikidata_qid'])}"
                if detail.get("wikidata_qid") else None,
                jsonld=None, json_url=str(request.url))  # fmt: skip
