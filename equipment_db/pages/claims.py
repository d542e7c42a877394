"""The claim page (current or one version): the claim in one sentence, its words, sources and
reporting chains, assessment, related claims, history, and every way to cite it."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from equipment_db.citations.cited import cite_revision
from equipment_db.citations.jsonld import claim_jsonld
from equipment_db.citations.render import render
from equipment_db.citations.text import claim_sentence
from equipment_db.claims import prepared as claim_prepared
from equipment_db.claims import queries as claim_queries
from equipment_db.claims.models import Claim
from equipment_db.claims.text import describe_converted, describe_quantity, party_name
from equipment_db.config import Settings
from equipment_db.pages.history import versions
from equipment_db.pages.render import cite_box, page, url_template
from equipment_db.reads import driver_rows
from equipment_db.vocab import EntityType

# How a link reads from this claim's side: (it is the link's `from`, it is the link's `to`).
LINK_WORDS = {"same_as": ("Same statement as", "Same statement as"),
              "corroborates": ("Corroborates", "Corroborated by"),
              "contradicts": ("Contradicts", "Contradicted by"),
              "supersedes": ("Replaces", "Replaced by")}  # fmt: skip
RELATED_SHOWN = 50


def _related(request: Request, session: Session, public_id: str, links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The linked claims, worded from this claim's side, each with its current sentence."""
    shown = [(link, link["from_claim"] == public_id) for link in links[:RELATED_SHOWN]]
    others = [link["to_claim"] if mine else link["from_claim"] for link, mine in shown]
    snapshots = claim_queries.current_snapshots(session, others)
    claim_url = url_template(request, "get_claim", "claim_id")
    return [{"kind": link["kind"], "words": LINK_WORDS[link["kind"]][0 if mine else 1], "id": other,
             "sentence": claim_sentence(snapshots[other]), "note": link["note"],
             "url": claim_url(other),
             "replaces_this": link["kind"] == "supersedes" and not mine}
            for (link, mine), other in zip(shown, others, strict=True)]  # fmt: skip


def _sources(request: Request, snapshot: dict[str, Any], detail: dict[str, Any], *,
             current: bool) -> list[dict[str, Any]]:  # fmt: skip
    """The sources as the shown version recorded them; on the current page, with the addresses
    (URL, archived copy) and reporting chains the sources have now."""
    live = {c["source"]: c for c in detail["citations"]}
    source_url = url_template(request, "get_source", "source_id")
    shown = []
    for citation in snapshot["citations"]:
        now = live.get(citation["source"]["public_id"], {})
        source = citation["source"] | ({k: now[k] for k in ("url", "archive_url") if now.get(k)} if current else {})
        chain = now.get("reporting_chain", []) if current else []
        shown.append({**citation, "source": source,
                      "chain": [x | {"page": source_url(x["id"])} for x in chain],
                      "page": source_url(source["public_id"])})  # fmt: skip
    return shown


def claim_page(request: Request, session: Session, settings: Settings, claim: Claim | claim_prepared.ClaimKey,
               version: int | None = None) -> HTMLResponse:  # fmt: skip
    """The latest version, or `version` as it was recorded (with a pointer to the latest); of
    the claim, only its id and public id are read here."""
    public_id = claim.public_id
    shown, versions_shown = versions(request, session, settings, EntityType.claim, claim.id, public_id, version)  # type: ignore[arg-type]
    snapshot = shown.snapshot
    cited = cite_revision(session, claim, shown, settings.public_url)
    detail = claim_prepared.claim_detail(partial(driver_rows, session), public_id)
    related = _related(request, session, public_id, detail["links"])
    sources = _sources(request, snapshot, detail, current=version is None)
    citation_key = (str(session.get_bind().url), "claim", public_id, shown.version, shown.created_at, cited.base_url)
    return page(
        request, "claim.html", title=f"Claim {public_id}", claim=snapshot, id=public_id,
        sentence=claim_sentence(snapshot), quantity=describe_quantity(snapshot), converted=describe_converted(snapshot),
        party=party_name(snapshot.get("country"), snapshot.get("party_actor"), snapshot.get("party_unknown")),
        counterparty=party_name(snapshot.get("counterparty_country"), snapshot.get("counterparty_actor"),
                                snapshot.get("counterparty_unknown")),
        sources=sources, related=related, first_quote=next((c["quote"] for c in sources if c.get("quote")), None),
        replaced_by=[r for r in related if r["replaces_this"]],
        latest_url=url_template(request, "get_claim", "claim_id")(public_id),
        system_url=(str(request.url_for("get_system", key=snapshot["system"])) if snapshot.get("system") else None),
        related_system_url=(str(request.url_for("get_system", key=snapshot["related_system"]))
                            if snapshot.get("related_system") else None),
        citations=cite_box(lambda fmt: render(cited, fmt), citation_key), jsonld=claim_jsonld(cited),
        **versions_shown,
    )  # fmt: skip
