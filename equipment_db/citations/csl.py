"""CSL-JSON: the entry as a `dataset` item, then one item per cited source.

The data stays faithful to the snapshot (no invented authors or titles); the formatted
styles adapt a copy of it for display (see `styles.py`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from equipment_db.citations import text
from equipment_db.citations.entry import (
    PUBLISHER,
    CitedSource,
    CitedVersion,
    entry_note,
    permalink,
    source_note,
)
from equipment_db.normalize import dates

_TYPES = {
    "news_article": "article-newspaper",
    "dataset": "dataset",
    "web_page": "webpage",
    "research_report": "report",
    "government_document": "report",
    "book": "book",
    "video": "broadcast",
}


def csl_date(value: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [dates.date_parts(value)]}  # type: ignore[list-item]


def csl_name(name: str) -> dict[str, str]:
    """`Family, Given` splits into its parts; any other name (`Busra Nur Cakmak`, `CNN`) is
    kept as written, as we cannot tell a person's family name from an organisation's."""
    family, comma, given = name.partition(",")
    if comma and family.strip() and given.strip():
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def entry_item(cited: CitedVersion) -> dict[str, Any]:
    """The claim revision itself: title is the claim sentence with its caveats (its dates in
    words); `event-date` is when the claim was stated, as EDTF (`dates.csl_date`)."""
    stated = dates.claim_edtf(cited.snapshot, "stated")
    item = {
        "id": cited.key,
        "type": "dataset",
        "title": text.claim_sentence(cited.snapshot).rstrip(".")
        + (f"; superseded by {', '.join(cited.superseded_by)}" if cited.superseded_by else ""),
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "genre": "Claim record",
        "number": cited.public_id,
        "version": str(cited.version),
        "URL": permalink(cited),
        "issued": csl_date(cited.revised_on),
        "accessed": csl_date(cited.accessed_on),
        "note": entry_note(cited),
    }
    return item | {"event-date": dates.csl_date(stated)} if stated else item


def source_item(
    cited: CitedVersion | None, source: CitedSource, *, note: str | None = None
) -> dict[str, Any]:
    """One cited source; `issued` keeps only the parts its precision vouches for. The note
    ties it to the citing claim, or is `note` for a source cited on its own."""
    item: dict[str, Any] = {"id": source.key, "type": _TYPES.get(source.kind, "document")}
    title, publisher = source.get("title"), source.get("publisher")
    if title:
        item["title"] = title
    if source.authors:
        item["author"] = [csl_name(name) for name in source.authors]
    if publisher:
        item["publisher"] = publisher
        if source.kind == "news_article":
            item["container-title"] = publisher
    if source.date_parts:
        item["issued"] = {"date-parts": [source.date_parts]}
    accessed = dates.date_parts(source.source.get("accessed_on"), "day")
    if accessed:
        item["accessed"] = {"date-parts": [accessed]}
    if source.get("url"):
        item["URL"] = source.get("url")
    item["note"] = note if cited is None else source_note(cited, source)
    if not item["note"]:
        del item["note"]
    return item


def csl_items(cited: CitedVersion) -> list[dict[str, Any]]:
    """The entry, then its sources in citation order."""
    sources = [source_item(cited, source) for source in cited.sources()]
    return [entry_item(cited), *sources]


def render_csl_json(cited: CitedVersion) -> str:
    return json.dumps(csl_items(cited), ensure_ascii=False, indent=2)
