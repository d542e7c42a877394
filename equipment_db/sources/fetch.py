"""Fetch a web page and read a source's details from it: title, publisher, authors,
publication date and language from the page's metadata, the access time, the SHA-256
of the bytes read, and an archived copy from the Wayback Machine.

Limits (docs/RELIABILITY.md, "Fetching a page"): one deadline for the whole fetch, every
redirect and byte of the body and the archive lookup included (an `asyncio` timeout
around httpx's async client: httpx's own timeouts bound each read, not the whole); at
most `MAX_BYTES` of decoded body, checked while it streams in (decoding.py); redirects
only to http(s) URLs, at most `max_redirects`, never in a loop.

No database access: `equipment-db source fetch URL` turns the result into a source
with `FetchedPage.as_source_fields()`.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from equipment_db import __version__
from equipment_db.errors import EquipmentDBError, MissingValue
from equipment_db.normalize.urls import normalise_url
from equipment_db.sources.decoding import ACCEPT_ENCODING, Decoder, DecodeRefused
from equipment_db.sources.metadata import extract_metadata

USER_AGENT = f"equipment-db/{__version__} (+source fetch)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_BY_HAND = "add the source by hand with `equipment-db source add`"
MAX_BYTES = 10_000_000  # the most of a page read, once decoded: the limit's one home
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "Accept-Encoding": ACCEPT_ENCODING,
}


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
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 15.0,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = 10,
    archive_lookup: bool = True,
    archive_api: str = "https://archive.org/wayback/available",
) -> FetchedPage:
    """GET `url` (following at most `max_redirects` redirects), read at most `max_bytes`
    of decoded HTML, and read the source's details from its metadata, all within `timeout`
    seconds. A missing, failed or late archive lookup is a warning. Raises `InvalidValue`
    for a non-http(s) URL and `FetchError` for everything that stops the fetch.
    `transport` replaces the network (tests pass an `httpx.MockTransport`)."""
    requested = normalise_url(url, field="url")
    if requested is None:
        raise MissingValue("url", "to fetch a page")
    return asyncio.run(_fetch(
        requested, transport=transport, timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
        archive_api=archive_api if archive_lookup else None,
    ))  # fmt: skip


@dataclass
class _Progress:
    """Where the fetch is, for the message when the deadline passes."""

    stage: str = "before the server answered"


async def _fetch(
    url: str,
    *,
    transport: httpx.AsyncBaseTransport | None,
    timeout: float,
    max_bytes: int,
    max_redirects: int,
    archive_api: str | None,
) -> FetchedPage:
    deadline = asyncio.get_running_loop().time() + timeout
    progress = _Progress()

    async def check_redirect(response: httpx.Response) -> None:  # before httpx parses the Location
        if response.is_redirect:
            _redirect_target(url, str(response.url), response.headers["location"])

    page_client = httpx.AsyncClient(transport=transport, timeout=timeout, event_hooks={"response": [check_redirect]})
    async with page_client as http, httpx.AsyncClient(transport=transport, timeout=timeout) as archive:
        try:
            async with asyncio.timeout_at(deadline):
                response, redirects, (content_type, charset, body) = await _get(
                    http, url, progress, max_bytes=max_bytes, max_redirects=max_redirects
                )
        except (TimeoutError, httpx.TimeoutException):
            raise FetchError(url, f"timed out: the {timeout:g} s deadline passed {progress.stage}") from None
        fetched_at = datetime.now(UTC)
        final_url = str(response.url)
        text, warnings = _decode(body, content_type, charset, url)
        meta = extract_metadata(text, base_url=final_url)
        warnings += meta["warnings"]
        archive_url = None
        if archive_api is not None:
            try:
                async with asyncio.timeout_at(deadline):
                    archive_url, warning = await _archive_lookup(archive, final_url, api=archive_api)
            except TimeoutError:
                warning = f"archive lookup failed: the {timeout:g} s deadline passed"
            if warning:
                warnings.append(warning)
    return FetchedPage(
        requested_url=url,
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


async def _get(
    client: httpx.AsyncClient, url: str, progress: _Progress, *, max_bytes: int, max_redirects: int
) -> tuple[httpx.Response, list[str], tuple[str, str | None, bytes]]:
    """Send the GET, follow redirects by hand (only to http(s) URLs, never in a loop), and
    read the final answer's body."""
    redirects: list[str] = []
    current = url
    while True:
        progress.stage = f"while waiting for {current!r} to answer" if redirects else "before the server answered"
        try:
            response = await client.send(client.build_request("GET", current, headers=_HEADERS), stream=True)
        except httpx.TimeoutException:
            raise
        except httpx.ConnectError as exc:
            where = f" (redirected to {current!r})" if redirects else ""
            raise FetchError(url, f"could not be reached{where}: {_connect_cause(exc)}") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"failed: {type(exc).__name__}: {exc}") from None
        try:
            if not response.is_redirect:
                return response, redirects, await _read_html(response, url, progress, max_bytes=max_bytes)
        finally:
            await response.aclose()
        redirects.append(current)
        current = _redirect_target(url, current, response.headers["location"])
        if current in (url, *redirects):
            raise FetchError(url, f"redirects in a loop: back to {current!r} after {len(redirects)} redirects")
        if len(redirects) > max_redirects:
            raise FetchError(url, f"redirected more than {max_redirects} times (last to {current!r})")


def _redirect_target(url: str, current: str, location: str) -> str:
    """The absolute URL a Location header points to (relative ones resolved against the
    URL that answered); anything but an http(s) URL with a host is refused."""
    try:
        target = httpx.URL(current).join(location.strip())
    except (httpx.InvalidURL, ValueError):
        raise FetchError(url, f"redirected to {location!r}, which is not a valid URL") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(url, f"redirected to {location!r}, which is not an http(s) URL")
    return str(target)


def _connect_cause(exc: BaseException) -> str:
    """Connection refused, an unknown host name, or the error's own words."""
    for cause in _chain(exc):
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return f"host name could not be resolved ({cause.strerror or cause})"
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip()
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "name" in lowered and any(w in lowered for w in ("resolution", "not known", "nodename", "no address")):
        return f"host name could not be resolved ({text})"
    return text or type(exc).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc`, its causes and contexts, and the members of any exception group among them."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        todo += [item.__cause__, item.__context__, *getattr(item, "exceptions", ())]
    return seen


async def _read_html(
    response: httpx.Response, url: str, progress: _Progress, *, max_bytes: int
) -> tuple[str, str | None, bytes]:
    """Check status and content type, then stream the raw body and decode it, stopping the
    moment either passes `max_bytes`. Returns the media type, the charset the header
    declares, and the decoded body."""
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
    read = 0
    try:
        decoder = Decoder(response.headers.get("content-encoding", ""), max_bytes=max_bytes)
        progress.stage = "while reading the body (0 bytes read)"
        async for raw in response.aiter_raw():
            read += len(raw)
            progress.stage = f"while reading the body ({read} bytes read)"
            if read > max_bytes:
                raise FetchError(url, too_big)
            chunks += decoder.feed(raw)
        chunks += decoder.finish()
    except DecodeRefused as exc:
        raise FetchError(url, f"{exc}; {_BY_HAND}") from None
    except httpx.TimeoutException:
        raise
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


async def _archive_lookup(client: httpx.AsyncClient, url: str, *, api: str) -> tuple[str | None, str | None]:
    """Ask the Wayback availability API for the closest snapshot: (archive URL, warning)."""
    try:
        response = await client.get(
            api, params={"url": url}, headers={"User-Agent": USER_AGENT}, follow_redirects=True
        )
    except httpx.TimeoutException:
        return None, "archive lookup failed: timeout"
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
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

