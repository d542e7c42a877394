"""Fetch a web page and read a source's details from it: title, publisher, authors,
publication date and language from the page's metadata, the access time, the SHA-256
of the bytes read, and an archived copy from the Wayback Machine.

No database access: `equipment-db source fetch URL` turns the result into a source
with `FetchedPage.as_source_fields()`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from equipment_db import __version__
from equipment_db.errors import EquipmentDBError, MissingValue
from equipment_db.normalize.urls import normalise_url
from equipment_db.sources.metadata import extract_metadata

USER_AGENT = f"equipment-db/{__version__} (+source fetch)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_BY_HAND = "add the source by hand with `equipment-db source add`"


@dataclass(frozen=True)
class FetchedPage:
    """What one fetch of a page found. `redirects` lists, in order, every URL that
    answered with a redirect (the requested URL first); `url` is where the chain ended."""

    requested_url: str
    url: str
    redirects: list[str]
    status: int
    content_type: str
    fetched_at: datetime
    content_sha256: str
    title: str | None
    publisher: str | None
    authors: list[str]
    published: str | None
    language: str | None
    description: str | None
    archive_url: str | None
    warnings: list[str]

    def as_source_fields(self) -> dict[str, Any]:
        """The page as `SourceCreate` fields (without `kind`), leaving out unknown values."""
        fields: dict[str, Any] = {
            "title": self.title,
            "publisher": self.publisher,
            "authors": list(self.authors),
            "url": normalise_url(self.url, field="url"),
            "published": self.published,
            "accessed": self.fetched_at.astimezone(UTC).date().isoformat(),
            "archive_url": self.archive_url,
            "language": self.language,
            "fetched_at": self.fetched_at,
            "content_sha256": self.content_sha256,
        }
        return {key: value for key, value in fields.items() if value is not None}


class FetchError(EquipmentDBError):
    """A page could not be fetched or is not an HTML page; the message names URL and cause."""

    code = "fetch_failed"
    status = 502

    def __init__(self, url: str, cause: str) -> None:
        super().__init__(f"url: {url!r} {cause}", field="url", value=url)
        self.cause = cause


def fetch_page(
    url: str,
    *,
    client: httpx.Client | None = None,
    timeout: float = 15.0,
    max_bytes: int = 10_000_000,
    max_redirects: int = 10,
    archive_lookup: bool = True,
    archive_api: str = "https://archive.org/wayback/available",
) -> FetchedPage:
    """GET `url` (following at most `max_redirects` redirects), read at most `max_bytes`
    of HTML, and read the source's details from its metadata. A missing or failed archive
    lookup is a warning. Raises `InvalidValue` for a non-http(s) URL and `FetchError`
    for everything that stops the fetch."""
    requested = normalise_url(url, field="url")
    if requested is None:
        raise MissingValue("url", "to fetch a page")
    own_client = client is None
    http = client if client is not None else httpx.Client(timeout=timeout)
    try:
        response, redirects = _get(http, requested, timeout=timeout, max_redirects=max_redirects)
        try:
            content_type, charset, body = _read_html(response, requested, max_bytes=max_bytes)
        finally:
            response.close()
        fetched_at = datetime.now(UTC)
        final_url = str(response.url)
        text, warnings = _decode(body, content_type, charset, requested)
        meta = extract_metadata(text, base_url=final_url)
        warnings += meta["warnings"]
        archive_url = None
        if archive_lookup:
            archive_url, warning = _archive_lookup(http, final_url, api=archive_api, timeout=timeout)
            if warning:
                warnings.append(warning)
    finally:
        if own_client:
            http.close()
    return FetchedPage(
        requested_url=requested,
        url=final_url,
        redirects=redirects,
        status=response.status_code,
        content_type=content_type or "text/html",
        fetched_at=fetched_at,
        content_sha256=hashlib.sha256(body).hexdigest(),
        title=meta["title"],
        publisher=meta["publisher"],
        authors=meta["authors"],
        published=meta["published"],
        language=meta["language"],
        description=meta["description"],
        archive_url=archive_url,
        warnings=warnings,
    )


def _get(
    client: httpx.Client, url: str, *, timeout: float, max_redirects: int
) -> tuple[httpx.Response, list[str]]:
    """Send the GET and follow redirects by hand, so the limit holds for any client."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
    request = client.build_request("GET", url, headers=headers, timeout=timeout)
    redirects: list[str] = []
    while True:
        try:
            response = client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException:
            raise FetchError(url, f"timed out after {timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise FetchError(url, f"could not be reached: {_connect_cause(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"failed: {type(exc).__name__}: {exc}") from None
        if response.next_request is None:
            return response, redirects
        response.close()
        redirects.append(str(response.url))
        request = response.next_request
        if len(redirects) > max_redirects:
            raise FetchError(
                url, f"redirected more than {max_redirects} times (last to {str(request.url)!r})"
            )
        if request.url.scheme not in ("http", "https"):
            raise FetchError(url, f"redirected to {str(request.url)!r}, which is not an http(s) URL")


def _connect_cause(exc: httpx.ConnectError) -> str:
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip()
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name" in lowered and any(w in lowered for w in ("resolution", "not known", "nodename", "no address")):
        return f"host name could not be resolved ({text})"
    return text or type(exc).__name__


def _read_html(response: httpx.Response, url: str, *, max_bytes: int) -> tuple[str, str | None, bytes]:
    """Check status and content type, then stream the body, stopping past `max_bytes`.
    Returns the media type, the charset the header declares, and the body."""
    if response.status_code >= 400:
        where = f" at {str(response.url)!r}" if str(response.url) != url else ""
        raise FetchError(
            url, f"returned HTTP {response.status_code} {response.reason_phrase}{where}".rstrip()
        )
    header = response.headers.get("content-type", "")
    content_type = header.split(";")[0].strip().lower()
    charset = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", header, re.IGNORECASE)
    if content_type and content_type not in HTML_TYPES:
        raise FetchError(url, f"is {content_type}, not an HTML page; {_BY_HAND}")
    too_big = f"is larger than {max_bytes} bytes (max_bytes); {_BY_HAND}"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, too_big)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, too_big)
            chunks.append(chunk)
    except httpx.TimeoutException:
        raise FetchError(url, "timed out while reading the body") from None
    except httpx.HTTPError as exc:
        raise FetchError(url, f"failed while reading the body: {type(exc).__name__}: {exc}") from None
    return content_type, charset.group(1) if charset else None, b"".join(chunks)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _decode(body: bytes, content_type: str, charset: str | None, url: str) -> tuple[str, list[str]]:
    """Decode with the BOM, the header's charset or the page's <meta charset>, else UTF-8."""
    warnings: list[str] = []
    if not content_type:
        warnings.append("the server sent no Content-Type; read the body as HTML")
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace"), warnings
    sniffed = _META_CHARSET.search(body[:4096])
    candidates = [charset, sniffed.group(1).decode("ascii") if sniffed else None, "utf-8"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            text = body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            warnings.append(f"the body is not valid {encoding}")
            continue
        return text, warnings
    raise FetchError(url, f"has a body that could not be decoded ({'; '.join(warnings)})")


def _archive_lookup(
    client: httpx.Client, url: str, *, api: str, timeout: float
) -> tuple[str | None, str | None]:
    """Ask the Wayback availability API for the closest snapshot: (archive URL, warning)."""
    try:
        response = client.get(
            api,
            params={"url": url},
            headers={"User-Agent": USER_AGENT},
            timeout=timeout,
            follow_redirects=True,
        )
    except httpx.TimeoutException:
        return None, "archive lookup failed: timeout"
    except httpx.HTTPError as exc:
        return None, f"archive lookup failed: {type(exc).__name__}: {exc}"
    if response.status_code >= 400:
        return None, f"archive lookup failed: HTTP {response.status_code} {response.reason_phrase}".rstrip()
    try:
        closest = response.json().get("archived_snapshots", {}).get("closest") or {}
    except (ValueError, AttributeError):
        return None, "archive lookup failed: the answer is not the expected JSON"
    if not isinstance(closest, dict):
        return None, "archive lookup failed: the answer is not the expected JSON"
    snapshot = closest.get("url")
    if not (closest.get("available") and isinstance(snapshot, str) and snapshot):
        return None, "no archived copy found"
    if str(closest.get("status", "200")) not in ("200", "-"):
        return None, f"no archived copy found (closest snapshot has status {closest.get('status')})"
    return re.sub(r"^http://web\.archive\.org/", "https://web.archive.org/", snapshot), None


# --- metadata ---------------------------------------------------------------------------------
