"""Citations of a system's catalogue entry and of a source itself, in the same six formats as
a claim (`render.py`), built from the same pieces (CSL-JSON items, BibTeX and RIS records,
citeproc-py styles).

    render_system(snapshot, version=2, revised_at=..., base_url="http://localhost:8000", fmt="apa")
    render_source(snapshot, version=1, revised_at=..., base_url="http://localhost:8000", fmt="ris")

`snapshot` is a revision snapshot as the history stores it (see
`catalog.service.system_snapshot` and `sources.service.source_snapshot`). Pure: no database,
no network; deterministic once `accessed` is given.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from equipment_db import permalinks
from equipment_db.citations import bibtex, csl, ris, styles, text
from equipment_db.citations.entry import PUBLISHER, CitedSource, full_stop
from equipment_db.citations.render import CitationFormat, format_value
from equipment_db.normalize import dates

__all__ = ["render_source", "render_system", "source_permalink", "system_permalink", "system_title"]

# Aliases that name the system formally; common names and transliterations are left out.
_FORMAL_ALIASES = ("designation", "grau_index", "nato_reporting_name")


def system_permalink(base_url: str, slug: str, version: int) -> str:
    return permalinks.version_permalink(base_url, "system", slug, version)


def source_permalink(base_url: str, public_id: str, version: int) -> str:
    return permalinks.version_permalink(base_url, "source", public_id, version)


def system_title(snapshot: Mapping[str, Any]) -> str:
    """`9K338 Igla-S (also known as 9K338, SA-24 Grinch): catalogue entry`: the name and its
    formal aliases, leaving out an alias that is part of a longer one (`SA-24`)."""
    name = text.field(snapshot, "name") or text.field(snapshot, "slug") or "Unnamed system"
    formal = [
        str(alias.get("name") or "").strip()
        for alias in snapshot.get("aliases") or []
        if alias.get("kind") in _FORMAL_ALIASES and str(alias.get("name") or "").strip()
    ]
    shown: list[str] = []
    for alias in formal:
        lowered = alias.casefold()
        if lowered == name.casefold() or any(lowered == other.casefold() for other in shown):
            continue
        if any(lowered != other.casefold() and lowered in other.casefold() for other in formal):
            continue
        shown.append(alias)
    known = f" (also known as {', '.join(shown)})" if shown else ""
    return f"{name}{known}: catalogue entry"


def _system_note(snapshot: Mapping[str, Any], version: int, revised: date, link: str) -> str:
    slug = text.field(snapshot, "slug") or "unknown-system"
    parts = [f"{PUBLISHER} system {slug}, version {version} (revised {dates.format_date(revised)}), {link}"]
    category = text.words(text.field(snapshot, "category"))
    origin = text.field(snapshot, "origin_country")
    details = [f"category: {category}" if category else None, f"origin: {origin}" if origin else None]
    if any(details):
        parts.append("; ".join(detail for detail in details if detail))
    if snapshot.get("retracted_at"):
        parts.append(f"RETRACTED: {text.retraction(snapshot)}")
    return " ".join(
        full_stop(part if n == 0 else part[:1].upper() + part[1:]) for n, part in enumerate(parts)
    )


def _system_item(snapshot: Mapping[str, Any], version: int, revised: date, accessed: date, link: str) -> dict:
    slug = text.field(snapshot, "slug") or "unknown-system"
    return {
        "id": f"{slug}-v{version}",
        "type": "dataset",
        "title": system_title(snapshot),
        "author": [{"literal": PUBLISHER}],
        "publisher": PUBLISHER,
        "genre": "Catalogue entry",
        "version": str(version),
        "URL": link,
        "issued": csl.csl_date(revised),
        "accessed": csl.csl_date(accessed),
        "note": _system_note(snapshot, version, revised, link),
    }


def render_system(
    snapshot: dict[str, Any],
    *,
    version: int,
    revised_at: datetime,
    base_url: str,
    fmt: CitationFormat | str,
    accessed: date | None = None,
) -> str:
    """One revision of a system, cited as an equipment-db catalogue entry."""
    fmt = format_value(fmt)
    revised, accessed_on = dates.utc_day(revised_at), accessed or datetime.now(UTC).date()
    slug = text.field(snapshot, "slug") or "unknown-system"
    link = system_permalink(base_url, slug, version)
    item = _system_item(snapshot, version, revised, accessed_on, link)
    if fmt is CitationFormat.csl_json:
        return json.dumps([item], ensure_ascii=False, indent=2)
    if fmt is CitationFormat.bibtex:
        fields = [
            ("title", f"{{{bibtex.latex_escape(item['title'])}}}"),
            ("author", f"{{{PUBLISHER}}}"),
            ("organization", PUBLISHER),
            (
                "howpublished",
                bibtex.latex_escape(f"{PUBLISHER} catalogue entry {slug}, version {version}"),
            ),
            ("version", str(version)),
            *bibtex.date_fields(dates.date_parts(revised)),
            ("url", bibtex.verbatim(link)),
            ("urldate", dates.format_date(accessed_on)),
            ("note", bibtex.latex_escape(item["note"])),
        ]
        return bibtex.bibtex_entry("misc", bibtex.bibtex_key(item["id"]), fields) + "\n"
    if fmt is CitationFormat.ris:
        record = [
            ("TY", "DBASE"),
            ("ID", item["id"]),
            ("TI", item["title"]),
            ("AU", PUBLISHER),
            ("DB", PUBLISHER),
            ("PB", PUBLISHER),
            ("ET", f"Version {version}"),
            ("PY", str(revised.year)),
            ("DA", ris.ris_date(dates.date_parts(revised))),
            ("Y2", ris.ris_date(dates.date_parts(accessed_on))),
            ("UR", link),
            ("N1", item["note"]),
        ]
        return ris.ris_record(record) + "\n"
    # The title carries codes ("9K338", "SA-24"): no title case for it.
    shown = {**item, "title": f'<span class="nocase">{item["title"]}</span>'}
    return styles.format_item(fmt.value, shown)


def source_note(snapshot: Mapping[str, Any], version: int, base_url: str) -> str:
    """`As recorded in equipment-db, S-PJZ2YVHP version 1, {base_url}/v1/sources/S-PJZ2YVHP/versions/1.`"""
    public_id = text.field(snapshot, "public_id") or "unknown-source"
    parts = [
        f"As recorded in {PUBLISHER}, {public_id} version {version}, "
        f"{source_permalink(base_url, public_id, version)}"
    ]
    if text.field(snapshot, "archive_url"):
        parts.append(f"archived at {text.field(snapshot, 'archive_url')}")
    if text.field(snapshot, "cites"):
        parts.append(f"cites {text.field(snapshot, 'cites')}")
    if snapshot.get("retracted_at"):
        parts.append(f"RETRACTED: {text.retraction(snapshot)}")
    return full_stop("; ".join(parts))


def render_source(
    snapshot: dict[str, Any],
    *,
    version: int,
    revised_at: datetime,
    base_url: str,
    fmt: CitationFormat | str,
    accessed: date | None = None,
) -> str:
    """A source's own bibliographic reference (title, publisher, authors, its published date at
    its precision, URL, the date it was accessed), noting the equipment-db revision it comes
    from. `revised_at` is accepted for symmetry with `render_system`; the access date cited is
    the source's own `accessed_on`, or `accessed` when it has none."""
    del revised_at
    fmt = format_value(fmt)
    public_id = text.field(snapshot, "public_id") or "unknown-source"
    data = dict(snapshot)
    if accessed and not text.field(data, "accessed_on"):
        data["accessed_on"] = dates.format_date(accessed)
    source = CitedSource(f"{public_id}-v{version}", data)
    note = source_note(snapshot, version, base_url)
    if fmt is CitationFormat.csl_json:
        return json.dumps([csl.source_item(None, source, note=note)], ensure_ascii=False, indent=2)
    if fmt is CitationFormat.bibtex:
        return bibtex.source_entry(None, source, note=note) + "\n"
    if fmt is CitationFormat.ris:
        return ris.source_record(None, source, note=note) + "\n"
    item = styles.for_display(csl.source_item(None, source, note=note), source.kind_words())
    return f"{styles.format_item(fmt.value, item)}\n{note}"
