"""What every citation format says: the cited revision (version, permalink, dates), the
caveats in words, and the sources the claim rests on, one reference each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from equipment_db import permalinks
from equipment_db.citations import text
from equipment_db.normalize import dates

PUBLISHER = "equipment-db"

_ROLES = {
    "reports": "reports the claim",
    "cited_in": "cited in another source, not read directly",
    "corroborates": "corroborates the claim",
    "disputes": "disputes the claim",
}
_KINDS = {
    "news_article": "news article",
    "official_statement": "official statement",
    "government_document": "government document",
    "research_report": "research report",
    "manufacturer_data": "manufacturer data",
    "social_media": "social media post",
    "web_page": "web page",
    "other": "source",
}


@dataclass(frozen=True)
class CitedVersion:
    """One revision of a claim, as a reader cites it."""

    snapshot: dict[str, Any]  # the claim revision snapshot
    version: int  # revision number
    revised_at: datetime  # timezone-aware UTC time of that revision
    base_url: str  # e.g. "http://localhost:8000" (no trailing slash)
    accessed: date | None = None  # when the reader accessed it; default: today (UTC)
    # What the sources record, loaded with the revision (citations/cited.py): each cited
    # source's reporting chain (public id -> the outlets it cites, nearest first), and the
    # claims that supersede this one now.
    chains: Mapping[str, list[str]] = field(default_factory=dict)
    superseded_by: list[str] = field(default_factory=list)

    @property
    def public_id(self) -> str:
        return text.field(self.snapshot, "public_id") or "unknown-claim"

    @property
    def revised_on(self) -> date:
        """The revision's date in UTC (a naive `revised_at` is taken as UTC)."""
        return dates.utc_day(self.revised_at)

    @property
    def accessed_on(self) -> date:
        return self.accessed or datetime.now(UTC).date()

    @property
    def key(self) -> str:
        """`C-YSESYR2E-v1`: the entry's id in CSL-JSON, RIS and (prefixed) BibTeX."""
        return f"{self.public_id}-v{self.version}"

    def sources(self) -> list[CitedSource]:
        """The claim's sources in citation order, each with its reporting chain."""
        return cited_sources(self.snapshot, self.chains)


def permalink(cited: CitedVersion) -> str:
    """The stable address of this revision: `{base_url}/v1/claims/{public_id}/versions/{version}`."""
    return permalinks.version_permalink(cited.base_url, "claim", cited.public_id, cited.version)


@dataclass(frozen=True)
class CitedSource:
    """A source the claim cites; a source cited twice (two quotes, say) appears once."""

    key: str  # `S-PJZ2YVHP-v1`
    source: Mapping[str, Any]
    roles: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    chain: list[str] = field(default_factory=list)  # the outlets it cites, nearest first

    @property
    def kind(self) -> str:
        return text.field(self.source, "kind") or "other"

    @property
    def authors(self) -> list[str]:
        return [str(name).strip() for name in self.source.get("authors") or [] if str(name).strip()]

    @property
    def date_parts(self) -> list[int] | None:
        return dates.date_parts(self.source.get("published_on"), text.field(self.source, "published_precision"))

    def get(self, key: str) -> str | None:
        return text.field(self.source, key)

    def role_words(self) -> str | None:
        """`reports the claim; cited in another source, not read directly`."""
        return "; ".join(_ROLES.get(role, text.words(role) or role) for role in self.roles) or None

    def kind_words(self) -> str:
        return _KINDS.get(self.kind, text.words(self.kind) or "source")

    def chain_words(self) -> str | None:
        """The reporting chain from its origin to this source: `CNN, cited by Anadolu Agency`;
        `diplomatic cables, reported by The Guardian, cited by a blog`. None without one."""
        if not self.chain:
            return None
        here = self.get("publisher") or self.get("title") or self.key
        origin, *between = list(reversed(self.chain))
        return ", ".join([origin, *(f"reported by {name}" for name in between), f"cited by {here}"])

    def notes(self) -> str | None:
        """Its role and reporting chain, for a line or a note: `reports the claim; reporting
        chain: CNN, cited by Anadolu Agency`."""
        chain = self.chain_words()
        parts = [self.role_words(), f"reporting chain: {chain}" if chain else None]
        return "; ".join(part for part in parts if part) or None


def cited_sources(snapshot: Mapping[str, Any], chains: Mapping[str, list[str]] | None = None) -> list[CitedSource]:
    """The claim's sources in citation order, one per source version; `chains` by public id."""
    found: dict[str, CitedSource] = {}
    for number, citation in enumerate(snapshot.get("citations") or [], start=1):
        source = citation.get("source") or {}
        public_id = text.field(source, "public_id") or f"source-{number}"
        version = text.field(source, "version")
        key = f"{public_id}-v{version}" if version else public_id
        entry = found.setdefault(key, CitedSource(key, source, chain=list((chains or {}).get(public_id, []))))
        for values, value in (
            (entry.roles, text.field(citation, "role")),
            (entry.quotes, text.field(citation, "quote")),
            (entry.locators, text.field(citation, "locator")),
        ):
            if value and value not in values:
                values.append(value)
    return list(found.values())


def source_reference(cited: CitedSource) -> str:
    """`Busra Nur Cakmak, “Venezuela's president ...”, Anadolu Agency, 2025-10-23 (reports the
    claim)`: author, title, publisher, date at its precision, locator, URL, and role."""
    title = cited.get("title")
    published = dates.format_date(cited.source.get("published_on"), cited.get("published_precision"))
    parts = [
        " and ".join(cited.authors) or None,
        f"“{title}”" if title else f"untitled {cited.kind_words()}",
        cited.get("publisher"),
        published,
        ", ".join(cited.locators) or None,
        cited.get("url"),
        f"archived at {cited.get('archive_url')}" if cited.get("archive_url") else None,
    ]
    reference = ", ".join(part for part in parts if part)
    notes = cited.notes()
    return f"{reference} ({notes})" if notes else reference


def caveat_note(cited: CitedVersion) -> str:
    """The qualifier, verification status and retraction, in words, for a citation's note."""
    snapshot = cited.snapshot
    qualifier = text.words(text.field(snapshot, "qualifier")) or "not stated"
    value_text = text.field(snapshot, "value_text")
    qualifier_part = f"qualifier: {qualifier}" + (f" (source's words: {value_text})" if value_text else "")
    status = text.words(text.field(snapshot, "verification_status")) or "unknown"
    status_note = text.field(snapshot, "verification_note")
    status_part = f"verification status: {status}" + (f" ({status_note})" if status_note else "")
    parts = [qualifier_part, status_part]
    retracted = text.retraction(snapshot)
    if retracted:
        parts.insert(0, f"RETRACTED: {retracted}")
    if text.field(snapshot, "rank") == "deprecated":
        parts.append("rank: deprecated")
    if cited.superseded_by:
        parts.append(f"superseded by {', '.join(cited.superseded_by)}")
    joined = "; ".join(parts)
    return joined[:1].upper() + joined[1:]


def full_stop(sentence: str) -> str:
    """The sentence ending in one full stop (or its own `.`, `!`, `?`)."""
    sentence = sentence.rstrip()
    return sentence if sentence.endswith((".", "!", "?")) else f"{sentence}."


def entry_note(cited: CitedVersion) -> str:
    """Everything a reader needs beside the title: version and permalink, caveats, sources."""
    revision = (
        f"{PUBLISHER} claim {cited.public_id}, version {cited.version} "
        f"(revised {dates.format_date(cited.revised_on)}), {permalink(cited)}"
    )
    sources = [source_reference(source) for source in cited.sources()]
    listed = "; ".join(sources) if sources else "none recorded"
    return f"{revision}. {full_stop(caveat_note(cited))} Sources: {full_stop(listed)}"


def source_note(cited: CitedVersion, source: CitedSource) -> str:
    """How a source ties to the entry: role, locator and quote."""
    parts = [f"Source of {PUBLISHER} claim {cited.public_id}, version {cited.version}"]
    if source.role_words():
        parts.append(f"role: {source.role_words()}")
    if source.chain_words():
        parts.append(f"reporting chain: {source.chain_words()}")
    if source.locators:
        parts.append(f"locator: {', '.join(source.locators)}")
    parts.extend(f"quote: {quote}" for quote in source.quotes)
    if source.get("archive_url"):
        parts.append(f"archived at {source.get('archive_url')}")
    return full_stop("; ".join(parts))
