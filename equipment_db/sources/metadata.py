"""Read a source's details from an HTML page: JSON-LD, then OpenGraph and article:*,
then other <meta>, then <title>. Pure functions: no network, no database.

The page is parsed with lxml (libxml2), in time linear in its size: Python's html.parser
takes quadratic time on some malformed markup (50 KB of `<a ` took 22 s)."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup

_LIMITS = {"title": 500, "publisher": 200}

_ARTICLE_TYPES = {"Article", "NewsArticle", "Report", "BlogPosting", "ScholarlyArticle", "SocialMediaPosting"}
_PAGE_TYPES = {"WebPage", "ItemPage", "AboutPage", "CollectionPage"}
_AUTHOR_META = ("author", "dc.creator", "dcterms.creator", "citation_author", "parsely-author")
_DATE_META = (
    "citation_publication_date",
    "citation_date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
)
_NO_LANGUAGE = {"und", "mul", "zxx", "mis"}


def extract_metadata(html: str | bytes, *, base_url: str) -> dict[str, Any]:
    """Read a page's metadata. Returns `title`, `publisher`, `authors`, `published`
    ("YYYY-MM-DD", "YYYY-MM" or "YYYY"), `language`, `description`, `canonical_url`
    (absolute, resolved against `base_url`) and `warnings`. Where fields disagree,
    JSON-LD wins over OpenGraph/article:*, which wins over other <meta>, then <title>."""
    soup = BeautifulSoup(html, "lxml")
    warnings: list[str] = []
    meta: dict[str, list[str]] = {}
    for tag in soup.find_all("meta"):
        content = _clean(tag.get("content"))
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = tag.get(attr)
            if isinstance(key, str) and content:
                meta.setdefault(key.strip().lower(), []).append(content)
    nodes = _json_ld_nodes(soup, warnings)

    def first_meta(*keys: str) -> str | None:
        return next((meta[k][0] for k in keys if k in meta), None)

    html_tag = soup.find("html")
    html_lang = (html_tag.get("lang") or html_tag.get("xml:lang")) if html_tag else None
    title_tag = soup.find("title")
    canonical = soup.find("link", rel="canonical")
    authors = _ld_names(nodes, "author")
    for key in ("article:author", *_AUTHOR_META):
        authors = authors or _names(meta.get(key, []))
    dates = [("JSON-LD datePublished", _ld(nodes, "datePublished"))]
    dates += [(key, first_meta(key)) for key in ("article:published_time", "og:published_time", *_DATE_META)]
    dates += [("JSON-LD dateCreated", _ld(nodes, "dateCreated"))]
    published = None
    for where, raw in dates:
        published = normalise_date(raw) if raw else None
        if published:
            break
        if raw:
            warnings.append(f"ignored unrecognised date {raw!r} in {where}")
    languages = (
        _ld(nodes, "inLanguage"),
        first_meta("og:locale"),
        _clean(html_lang),
        first_meta("dc.language", "dcterms.language", "citation_language", "content-language"),
    )
    canonical_url = _first(
        _ld(nodes, "url"), first_meta("og:url"), _clean(canonical.get("href")) if canonical else None
    )
    result = {
        "title": _first(
            _ld(nodes, "headline", "name"),
            first_meta("og:title"),
            first_meta("twitter:title", "dc.title", "dcterms.title", "citation_title"),
            _clean(title_tag.get_text()) if title_tag else None,
        ),
        "publisher": _first(
            _ld_name(nodes, "publisher"),
            first_meta("og:site_name"),
            first_meta("dc.publisher", "dcterms.publisher", "citation_publisher", "publisher"),
        ),
        "authors": authors,
        "published": published,
        "language": _first(*(_language(value) for value in languages)),
        "description": _first(
            _ld(nodes, "description"),
            first_meta("og:description"),
            first_meta("description", "dc.description", "dcterms.description", "twitter:description"),
        ),
        "canonical_url": urljoin(base_url, canonical_url) if canonical_url else None,
        "warnings": warnings,
    }
    for key, limit in _LIMITS.items():
        if result[key] and len(result[key]) > limit:
            warnings.append(f"{key} is longer than {limit} characters; shortened")
            result[key] = result[key][: limit - 1].rstrip() + "…"
    return result


_ISO_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]\d.*)?$")
_WRITTEN_DATES = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")


def normalise_date(text: str) -> str | None:
    """A published date as "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None if it is not a real date.

    "2025-10-23T14:05:00+03:00" gives "2025-10-23" (the date as written, not shifted to
    UTC); YYYY/MM/DD, YYYYMMDD, "23 October 2025", "October 23, 2025" and RFC 2822 dates
    are read too."""
    text = text.strip()
    match = _ISO_DATE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            date(year, month or 1, day or 1)
        except ValueError:
            return None
        if month is None:
            return f"{year:04d}"
        return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"
    for pattern in _WRITTEN_DATES:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(html_lib.unescape(value).split())
    return text or None


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _names(values: list[str]) -> list[str]:
    """Distinct names in order; profile URLs (article:author often holds one) are skipped."""
    seen: dict[str, str] = {}
    for value in values:
        name = _clean(value)
        if name and not re.match(r"^https?://", name):
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def _language(value: str | None) -> str | None:
    primary = re.split(r"[-_]", value.strip())[0].lower() if value else ""
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) and primary not in _NO_LANGUAGE else None


# --- JSON-LD ----------------------------------------------------------------------------------


def _json_ld_nodes(soup: BeautifulSoup, warnings: list[str]) -> list[dict[str, Any]]:
    """Article-like nodes first, then page-like ones, each with `@id` references resolvable
    through the `_ids` key."""
    found: list[dict[str, Any]] = []
    scripts = soup.find_all(
        "script", type=lambda t: bool(t) and t.split(";")[0].strip().lower() == "application/ld+json"
    )
    for number, script in enumerate(scripts, start=1):
        raw = script.string or script.get_text()
        raw = _unwrap(raw)
        if not raw.strip():
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError as exc:
            warnings.append(f"ignored malformed JSON-LD block {number}: {exc}")
            continue
        stack = data if isinstance(data, list) else [data]
        for item in stack:
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                found.extend(
                    n for n in (graph if isinstance(graph, list) else [graph]) if isinstance(n, dict)
                )
    ids = {n["@id"]: n for n in found if isinstance(n.get("@id"), str)}
    kinds = [_types(n) for n in found]
    articles = [k & _ARTICLE_TYPES or any(t.endswith("Article") for t in k) for k in kinds]
    # by position, not `node in list`: comparing node dicts made a large @graph quadratic
    ranked = [n for n, article in zip(found, articles, strict=True) if article]
    ranked += [n for n, k, article in zip(found, kinds, articles, strict=True) if k & _PAGE_TYPES and not article]
    return [{**n, "_ids": ids} for n in ranked]


_LD_OPEN = re.compile(r"(?://\s*)?(?:<!--|<!\[CDATA\[)")
_LD_CLOSE = re.compile(r"(?://\s*)?(?:-->|\]\]>)$")


def _unwrap(raw: str) -> str:
    """The script's text without an HTML comment or CDATA wrapper. Only its two ends are
    searched: a pattern tried at every position of a megabyte of JSON took a third of the time."""
    raw = raw.strip()
    if opened := _LD_OPEN.match(raw):
        raw = raw[opened.end() :]
    end = raw[-80:]
    if closed := _LD_CLOSE.search(end):
        raw = raw[: len(raw) - len(end) + closed.start()]
    return raw


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {re.split(r"[/:#]", v)[-1] for v in values if isinstance(v, str)}


def _ld(nodes: list[dict[str, Any]], *keys: str) -> str | None:
    """The first text under any of `keys`, node by node (the best-ranked node first)."""
    for node in nodes:
        for key in keys:
            value = node.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict):
                value = value.get("@value") or value.get("alternateName") or value.get("name")
            if _clean(value):
                return _clean(value)
    return None


def _ld_names(nodes: list[dict[str, Any]], key: str) -> list[str]:
    """Names from the first node that has `key`: a string, a {"name": ...} object, an
    {"@id": ...} reference, or a list of these."""
    for node in nodes:
        value = node.get(key)
        items = value if isinstance(value, list) else [value]
        names = []
        for item in items:
            if isinstance(item, dict) and "name" not in item and isinstance(item.get("@id"), str):
                item = node["_ids"].get(item["@id"], {})
            names.append(item.get("name") if isinstance(item, dict) else item)
        cleaned = _names([n for n in names if isinstance(n, str)])
        if cleaned:
            return cleaned
    return []


def _ld_name(nodes: list[dict[str, Any]], key: str) -> str | None:
    names = _ld_names(nodes, key)
    return names[0] if names else None
