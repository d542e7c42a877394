"""RIS: a `DBASE` record for the entry, then one record per cited source.

Each line is a two-character tag, two spaces, a dash and a space, then the value on one
line; each record ends with `ER  - `. Dates follow RIS's `YYYY/MM/DD/` form, with the parts
a precision does not vouch for left empty (`2025/10//`).
"""

from __future__ import annotations

from equipment_db.citations import text
from equipment_db.citations.entry import (
    PUBLISHER,
    CitedSource,
    CitedVersion,
    caveat_note,
    full_stop,
    permalink,
    source_note,
    source_reference,
)
from equipment_db.normalize import dates

_TYPES = {
    "news_article": "NEWS",
    "government_document": "GOVDOC",
    "research_report": "RPRT",
    "dataset": "DATA",
    "book": "BOOK",
    "video": "VIDEO",
    "web_page": "ELEC",
    "social_media": "ELEC",
}

Record = list[tuple[str, str | None]]


def ris_date(parts: list[int] | None) -> str | None:
    """[2025, 10] -> `2025/10//`."""
    if not parts:
        return None
    padded = [f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])] + [""] * (3 - len(parts))
    return "/".join(padded) + "/"


def ris_record(lines: Record) -> str:
    """Tagged lines, each value on one line; empty values are left out."""
    out = [f"{tag}  - {' '.join(value.split())}" for tag, value in lines if value and value.strip()]
    return "\n".join([*out, "ER  - "])


def source_record(cited: CitedVersion | None, source: CitedSource, *, note: str | None = None) -> str:
    """One source; tied to the citing claim, or standing alone with `note` when `cited` is None."""
    parts = source.date_parts
    accessed = dates.date_parts(source.source.get("accessed_on"), "day")
    publisher = source.get("publisher")
    lines: Record = [
        ("TY", _TYPES.get(source.kind, "GEN")),
        ("ID", source.key),
        ("TI", source.get("title") or f"[Untitled {source.kind_words()}]"),
        *(("AU", name) for name in source.authors),
        ("T2", publisher if source.kind == "news_article" else None),
        ("PB", publisher),
        ("PY", str(parts[0]) if parts else None),
        ("DA", ris_date(parts)),
        ("UR", source.get("url")),
        ("Y2", ris_date(accessed)),
        ("N1", source_note(cited, source) if cited else note),
    ]
    return ris_record(lines)


def render_ris(cited: CitedVersion) -> str:
    revised = cited.revised_on
    sources = cited.sources()
    caveats = full_stop(caveat_note(cited))
    entry: Record = [
        ("TY", "DBASE"),
        ("ID", cited.key),
        ("TI", text.claim_sentence(cited.snapshot)),
        ("AU", PUBLISHER),
        ("DB", PUBLISHER),
        ("PB", PUBLISHER),
        ("ET", f"Version {cited.version}"),
        ("PY", str(revised.year)),
        ("DA", ris_date(dates.date_parts(revised))),
        ("Y2", ris_date(dates.date_parts(cited.accessed_on))),
        ("UR", permalink(cited)),
        ("N1", f"Version {cited.version} of {PUBLISHER} claim {cited.public_id}. {caveats}"),
        *(("N1", f"Source: {source_reference(source)}") for source in sources),
    ]
    records = [ris_record(entry), *(source_record(cited, source) for source in sources)]
    return "\n\n".join(records) + "\n"
