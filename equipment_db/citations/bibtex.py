"""BibTeX (biblatex fields, readable by classic BibTeX too): one `@misc` for the entry, then
one entry per cited source (`@article` for news, `@misc` otherwise), tied by `related`
on the entry and a `note` on each source."""

from __future__ import annotations

import re
from collections.abc import Sequence

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

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(char) for char in _SPECIALS))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:.-]")


def latex_escape(value: str) -> str:
    """Text with LaTeX's special characters escaped; braces become commands, so a field's
    braces always balance."""
    return _SPECIAL.sub(lambda match: _SPECIALS[match.group(0)], " ".join(value.split()))


def verbatim(value: str) -> str:
    """A URL as biblatex reads it (verbatim): only braces and whitespace need care."""
    return re.sub(r"[{}\s]", lambda match: f"%{ord(match.group(0)):02X}", value.strip())


def bibtex_key(key: str) -> str:
    return "edb-" + _KEY_UNSAFE.sub("-", key)


def _names(names: Sequence[str]) -> str:
    """`Busra Nur Cakmak and Doe, Jane`; a name containing ` and ` is braced to stay one name."""
    return " and ".join(
        f"{{{latex_escape(name)}}}" if " and " in name.lower() else latex_escape(name) for name in names
    )


def bibtex_entry(kind: str, key: str, fields: list[tuple[str, str | None]]) -> str:
    """`month` holds a BibTeX month macro (`nov`), every other field a braced value."""
    lines = [
        f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},"
        for name, value in fields
        if value
    ]
    return "\n".join([f"@{kind}{{{key},", *lines, "}"])


def date_fields(parts: list[int] | None) -> list[tuple[str, str | None]]:
    if not parts:
        return []
    iso = dates.join_parts(parts)
    month = MONTHS[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else None
    return [("date", iso), ("year", str(parts[0])), ("month", month)]


def source_entry(cited: CitedVersion | None, source: CitedSource, *, note: str | None = None) -> str:
    """One source; tied to the citing claim, or standing alone with `note` when `cited` is None."""
    title, publisher = source.get("title"), source.get("publisher")
    accessed = dates.format_date(source.source.get("accessed_on"), "day")
    is_news = source.kind == "news_article"
    fields: list[tuple[str, str | None]] = [
        ("title", f"{{{latex_escape(title)}}}" if title else None),
        ("author", _names(source.authors) if source.authors else None),
        ("journal" if is_news else "publisher", latex_escape(publisher) if publisher else None),
        *date_fields(source.date_parts),
        ("url", verbatim(source.get("url") or "") or None),
        ("urldate", accessed),
        ("related", bibtex_key(cited.key) if cited else None),
        ("note", latex_escape(source_note(cited, source) if cited else note or "") or None),
    ]
    if not title:
        fields.insert(0, ("howpublished", latex_escape(f"untitled {source.kind_words()}")))
    return bibtex_entry("article" if is_news else "misc", bibtex_key(source.key), fields)


def render_bibtex(cited: CitedVersion) -> str:
    sources = cited.sources()
    revised, link = cited.revised_on, permalink(cited)
    listed = "; ".join(source_reference(source) for source in sources) or "none recorded"
    note = (
        f"Version {cited.version} of {PUBLISHER} claim {cited.public_id}, {link}. "
        f"{full_stop(caveat_note(cited))} Sources: {full_stop(listed)}"
    )
    entry = bibtex_entry(
        "misc",
        bibtex_key(cited.key),
        [
            ("title", f"{{{latex_escape(text.claim_sentence(cited.snapshot).rstrip('.'))}}}"),
            ("author", f"{{{PUBLISHER}}}"),
            ("organization", PUBLISHER),
            ("howpublished", latex_escape(f"{PUBLISHER} claim {cited.public_id}, version {cited.version}")),
            ("version", str(cited.version)),
            *date_fields(dates.date_parts(revised)),
            ("url", verbatim(link)),
            ("urldate", dates.format_date(cited.accessed_on)),
            ("related", ",".join(bibtex_key(source.key) for source in sources) or None),
            ("note", latex_escape(note)),
        ],
    )
    return "\n\n".join([entry, *(source_entry(cited, source) for source in sources)]) + "\n"
