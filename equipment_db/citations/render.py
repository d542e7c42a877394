"""Render one revision of a claim as a citation.

    cited = CitedVersion(snapshot, version=1, revised_at=..., base_url="http://localhost:8000")
    render(cited, CitationFormat.bibtex)

Every format cites the revision's version and permalink, states the qualifier and the
verification status (and a retraction), and lists the sources the claim rests on. Output
is deterministic once `accessed` is given; nothing here touches a database or the network.
"""

from __future__ import annotations

from enum import StrEnum

from equipment_db.citations.bibtex import render_bibtex
from equipment_db.citations.csl import render_csl_json
from equipment_db.citations.entry import CitedVersion, permalink
from equipment_db.citations.ris import render_ris
from equipment_db.citations.styles import render_style
from equipment_db.citations.text import claim_sentence
from equipment_db.errors import InvalidValue

__all__ = ["CitationFormat", "CitedVersion", "claim_sentence", "permalink", "render"]


class CitationFormat(StrEnum):
    """The formats a claim revision renders to; the value is what the API and CLI accept."""

    apa = "apa"
    chicago = "chicago"
    mla = "mla"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


def format_value(fmt: CitationFormat | str) -> CitationFormat:
    """The format, given as itself or by its value; InvalidValue (field `format`) otherwise."""
    try:
        return CitationFormat(fmt)
    except ValueError:
        choices = ", ".join(choice.value for choice in CitationFormat)
        raise InvalidValue("format", fmt, f"is not a citation format (use one of {choices})") from None


def render(cited: CitedVersion, fmt: CitationFormat | str) -> str:
    """The citation as text: formatted lines (APA, Chicago, MLA), a `.bib` or `.ris` file's
    content, or a CSL-JSON array. `fmt` may be given by its value (`"csl-json"`)."""
    fmt = format_value(fmt)
    if fmt is CitationFormat.bibtex:
        return render_bibtex(cited)
    if fmt is CitationFormat.ris:
        return render_ris(cited)
    if fmt is CitationFormat.csl_json:
        return render_csl_json(cited)
    return render_style(cited, fmt.value)
