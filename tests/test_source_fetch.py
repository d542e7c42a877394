"""`equipment-db source fetch`: fetching a page and reading a source's details from it.

Network code runs against `httpx.MockTransport` or a local server on 127.0.0.1, never
the internet. All pages and names are synthetic.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from equipment_db import __version__
from equipment_db.errors import EquipmentDBError, InvalidValue
from equipment_db.sources.fetch import FetchedPage, FetchError, fetch_page
from equipment_db.sources.metadata import extract_metadata, normalise_date
from equipment_db.sources.models import SourceCreate
from tests.local_http import serving

PAGE_URL = "https://news.example.org/2025/10/test-report-1"
ARCHIVE_HOST = "archive.org"
SNAPSHOT = "https://web.archive.org/web/20251024000000/https://news.example.org/2025/10/test-report-1"

OPENGRAPH_PAGE = """<!doctype html>
<html lang="en-GB"><head>
<title>Test Report 1 | Example News</title>
<meta property="og:title" content="Test Report 1">
<meta property="og:site_name" content="Example News">
<meta property="og:description" content="A synthetic article &amp; nothing more.">
<meta property="og:url" content="/2025/10/test-report-1">
<meta property="article:published_time" content="2025-10-23T14:05:00+03:00">
<meta property="article:author" content="https://news.example.org/authors/test-author-a">
<meta name="author" content="Test Author A">
</head><body><p>Body text.</body></html>"""

JSON_LD_GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebSite", "@id": "https://news.example.org/#site", "name": "Example News Site"},
        {"@type": "Organization", "@id": "https://news.example.org/#org", "name": "Example News Agency"},
        {
            "@type": "NewsArticle",
            "headline": "Test Report 1 (JSON-LD)",
            "datePublished": "2025-10-23T09:00:00Z",
            "inLanguage": "es-VE",
            "description": "JSON-LD description.",
            "author": [
                {"@type": "Person", "name": "Test Author A"},
                "Test Author B",
                {"@type": "Person", "name": "Test Author A"},
                {"@id": "https://news.example.org/#author-c"},
            ],
            "publisher": {"@id": "https://news.example.org/#org"},
        },
        {"@type": "Person", "@id": "https://news.example.org/#author-c", "name": "Test Author C"},
    ],
}

JSON_LD_PAGE = f"""<html lang="en"><head>
<title>Page title</title>
<meta property="og:title" content="Test Report 1 (OpenGraph)">
<meta property="og:site_name" content="Example News (OpenGraph)">
<meta property="article:published_time" content="2025-10-20">
<script type="application/ld+json">{json.dumps(JSON_LD_GRAPH)}</script>
</head><body></body></html>"""

PLAIN_PAGE = """<html><head>
<title>  Test Report 1
  </title>
<meta name="description" content="Plain description.">
<meta name="DC.creator" content="Test Author A">
<meta name="DC.creator" content="Test Author B">
<meta name="DC.publisher" content="Example Institute">
<meta name="citation_publication_date" content="2025/10">
</head><body><p>Unclosed <div>markup"""


def _archive_response(request: httpx.Request, snapshot: str | None = SNAPSHOT) -> httpx.Response:
    closest = {"available": True, "url": snapshot, "timestamp": "20251024000000", "status": "200"}
    return httpx.Response(200, json={"archived_snapshots": {"closest": closest} if snapshot else {}})


def _mock_transport(
    page: Callable[[httpx.Request], httpx.Response],
    archive: Callable[[httpx.Request], httpx.Response] = _archive_response,
) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return archive(request) if request.url.host == ARCHIVE_HOST else page(request)

    return httpx.MockTransport(handler), seen


def _html(body: str | bytes, content_type: str = "text/html; charset=utf-8") -> Callable:
    content = body.encode("utf-8") if isinstance(body, str) else body
    return lambda request: httpx.Response(200, headers={"content-type": content_type}, content=_stream(content))


async def _stream(content: bytes) -> AsyncIterator[bytes]:
    """A body the client streams, as from a server (`content=bytes` arrives already read)."""
    yield content


def _fetch(page: Callable, **kwargs: object) -> FetchedPage:
    transport, _ = _mock_transport(page, **kwargs)
    return fetch_page(PAGE_URL, transport=transport)


# --- a local server -----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    stop: threading.Event

    def do_GET(self) -> None:
        if self.path == "/slow":
            self.stop.wait(5)
            return self._send(200, b"<title>late</title>")
        if self.path == "/old":
            return self._send(301, b"", location="/moved")
        if self.path == "/moved":
            return self._send(302, b"", location=f"http://127.0.0.1:{self.server.server_port}/page")
        if self.path == "/page":
            return self._send(200, b"<html lang='el'><title>Test Report 1</title></html>")
        if self.path.startswith("/loop"):
            return self._send(302, b"", location=f"{self.path}-")  # a new URL each time
        return self._send(404, b"<title>Not here</title>")

    def _send(self, status: int, body: bytes, *, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="module")
def local_server() -> Iterator[str]:
    stop = threading.Event()
    handler = type("Handler", (_Handler,), {"stop": stop})
    with serving(handler, stop) as base:
        yield base


# --- metadata -----------------------------------------------------------------------------------


def test_opengraph_page_gives_title_publisher_date_description_and_canonical_url() -> None:
    meta = extract_metadata(OPENGRAPH_PAGE, base_url=PAGE_URL)
    assert meta == {
        "title": "Test Report 1",
        "publisher": "Example News",
        "authors": ["Test Author A"],
        "published": "2025-10-23",
        "language": "en",
        "description": "A synthetic article & nothing more.",
        "canonical_url": PAGE_URL,
        "warnings": [],
    }


def test_json_ld_graph_wins_over_opengraph_and_resolves_author_list_and_publisher() -> None:
    meta = extract_metadata(JSON_LD_PAGE, base_url=PAGE_URL)
    assert meta["title"] == "Test Report 1 (JSON-LD)"
    assert meta["publisher"] == "Example News Agency"
    assert meta["authors"] == ["Test Author A", "Test Author B", "Test Author C"]
    assert meta["published"] == "2025-10-23"
    assert meta["language"] == "es"
    assert meta["description"] == "JSON-LD description."
    assert meta["warnings"] == []


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Test Author A", ["Test Author A"]),
        ({"@type": "Person", "name": "Test Author A"}, ["Test Author A"]),
        (
            [{"name": "Test Author A"}, {"name": " test author a "}, "Test Author B"],
            ["Test Author A", "Test Author B"],
        ),
    ],
)
def test_json_ld_author_may_be_a_string_an_object_or_a_list(author: object, expected: list[str]) -> None:
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "Test Report 1",
        "author": author,
    }
    page = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    assert extract_metadata(page, base_url=PAGE_URL)["authors"] == expected


def test_plain_meta_and_title_page_gives_details_from_dublin_core_and_title() -> None:
    meta = extract_metadata(PLAIN_PAGE, base_url=PAGE_URL)
    assert meta["title"] == "Test Report 1"
    assert meta["publisher"] == "Example Institute"
    assert meta["authors"] == ["Test Author A", "Test Author B"]
    assert meta["published"] == "2025-10"
    assert meta["description"] == "Plain description."
    assert meta["language"] is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "en"), ("es-VE", "es"), ("EL", "el"), ("pt_BR", "pt"), ("und", None), ("", None)],
)
def test_html_lang_attribute_gives_the_primary_language_subtag_in_lower_case(
    lang: str, expected: str | None
) -> None:
    assert (
        extract_metadata(f'<html lang="{lang}"><title>x</title></html>', base_url=PAGE_URL)["language"]
        == expected
    )


def test_malformed_json_ld_is_ignored_with_a_warning_and_the_rest_still_read() -> None:
    page = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="Test Report 1">'
    )
    meta = extract_metadata(page, base_url=PAGE_URL)
    assert meta["title"] == "Test Report 1"
    assert len(meta["warnings"]) == 1
    assert meta["warnings"][0].startswith("ignored malformed JSON-LD block 1: ")


def test_unrecognised_date_is_skipped_with_a_warning_for_the_next_field() -> None:
    page = (
        '<meta property="article:published_time" content="last Tuesday">'
        '<meta name="dc.date" content="2025-10-22">'
    )
    meta = extract_metadata(page, base_url=PAGE_URL)
    assert meta["published"] == "2025-10-22"
    assert meta["warnings"] == ["ignored unrecognised date 'last Tuesday' in article:published_time"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-23T14:05:00+03:00", "2025-10-23"),
        ("2025-10-23T23:30:00-05:00", "2025-10-23"),
        ("2025-10-23 14:05", "2025-10-23"),
        ("2025/10/23", "2025-10-23"),
        ("20251023", "2025-10-23"),
        ("2025-10", "2025-10"),
        ("2025", "2025"),
        ("23 October 2025", "2025-10-23"),
        ("October 23, 2025", "2025-10-23"),
        ("Thu, 23 Oct 2025 14:05:00 GMT", "2025-10-23"),
        ("2025-02-30", None),
        ("soon", None),
    ],
)
def test_dates_normalise_to_their_date_part(text: str, expected: str | None) -> None:
    assert normalise_date(text) == expected


def test_overlong_title_is_shortened_with_a_warning() -> None:
    meta = extract_metadata(f"<title>{'Test Report 1 ' * 60}</title>", base_url=PAGE_URL)
    assert len(meta["title"]) == 500
    assert meta["warnings"] == ["title is longer than 500 characters; shortened"]


# --- fetching -----------------------------------------------------------------------------------


def test_fetch_fills_details_from_the_page_and_records_hash_of_the_served_bytes() -> None:
    body = OPENGRAPH_PAGE.encode("utf-8")
    page = _fetch(_html(body))
    assert page.title == "Test Report 1"
    assert page.publisher == "Example News"
    assert page.authors == ["Test Author A"]
    assert page.published == "2025-10-23"
    assert page.language == "en"
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.content_sha256 == hashlib.sha256(body).hexdigest()
    assert page.requested_url == page.url == PAGE_URL
    assert page.redirects == []
    assert page.warnings == []


def test_fetch_records_a_recent_utc_access_time() -> None:
    before = datetime.now(UTC)
    page = _fetch(_html(OPENGRAPH_PAGE))
    assert page.fetched_at.utcoffset() == timedelta(0)
    assert before <= page.fetched_at <= datetime.now(UTC)


def test_fetch_sends_a_descriptive_user_agent() -> None:
    transport, seen = _mock_transport(_html(OPENGRAPH_PAGE))
    fetch_page(PAGE_URL, transport=transport)
    assert seen[0].headers["user-agent"] == f"equipment-db/{__version__} (+source fetch)"
    assert seen[1].url.host == ARCHIVE_HOST
    assert seen[1].url.params["url"] == PAGE_URL


def test_fetch_reads_the_charset_the_server_declares() -> None:
    body = "<title>Informe técnico 1</title>".encode("iso-8859-1")
    page = _fetch(_html(body, "text/html; charset=ISO-8859-1"))
    assert page.title == "Informe técnico 1"


def test_archived_copy_is_recorded_as_archive_url() -> None:
    page = _fetch(_html(OPENGRAPH_PAGE))
    assert page.archive_url == SNAPSHOT
    assert page.warnings == []


def test_no_archived_copy_is_a_warning() -> None:
    page = _fetch(_html(OPENGRAPH_PAGE), archive=lambda r: _archive_response(r, snapshot=None))
    assert page.archive_url is None
    assert page.warnings == ["no archived copy found"]


def _archive_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize(
    ("archive", "warning"),
    [
        (_archive_timeout, "archive lookup failed: timeout"),
        (lambda r: httpx.Response(503), "archive lookup failed: HTTP 503 Service Unavailable"),
        (
            lambda r: httpx.Response(200, text="<html>"),
            "archive lookup failed: the answer is not the expected JSON",
        ),
    ],
)
def test_failing_archive_lookup_is_a_warning_not_an_error(archive: Callable, warning: str) -> None:
    page = _fetch(_html(OPENGRAPH_PAGE), archive=archive)
    assert page.title == "Test Report 1"
    assert page.archive_url is None
    assert page.warnings == [warning]


def test_as_source_fields_are_accepted_by_source_create() -> None:
    page = _fetch(_html(JSON_LD_PAGE))
    fields = page.as_source_fields()
    assert fields == {
        "title": "Test Report 1 (JSON-LD)",
        "publisher": "Example News Agency",
        "authors": ["Test Author A", "Test Author B", "Test Author C"],
        "url": PAGE_URL,
        "published": "2025-10-23",
        "accessed": page.fetched_at.date().isoformat(),
        "archive_url": SNAPSHOT,
        "language": "es",
        "fetched_at": page.fetched_at,
        "content_sha256": page.content_sha256,
    }
    assert SourceCreate(kind="news_article", **fields).title == "Test Report 1 (JSON-LD)"


def test_as_source_fields_omit_unknown_values() -> None:
    fields = _fetch(
        _html("<p>no metadata</p>"), archive=lambda r: _archive_response(r, None)
    ).as_source_fields()
    assert set(fields) == {"authors", "url", "accessed", "fetched_at", "content_sha256"}


# --- errors -------------------------------------------------------------------------------------


def test_non_http_url_is_rejected_before_any_request() -> None:
    transport, seen = _mock_transport(_html(OPENGRAPH_PAGE))
    with pytest.raises(InvalidValue, match=r"^url: 'ftp://example.org/report.html' is not an http"):
        fetch_page("ftp://example.org/report.html", transport=transport)
    assert seen == []


def test_404_from_a_local_server_raises_fetch_error_naming_the_status(local_server: str) -> None:
    url = f"{local_server}/missing"
    with pytest.raises(FetchError) as caught:
        fetch_page(url, archive_lookup=False)
    assert str(caught.value) == f"url: {url!r} returned HTTP 404 Not Found"
    assert (caught.value.code, caught.value.field, caught.value.value) == ("fetch_failed", "url", url)
    assert isinstance(caught.value, EquipmentDBError)


def test_500_raises_fetch_error_naming_the_status() -> None:
    with pytest.raises(FetchError, match=r"returned HTTP 500 Internal Server Error$"):
        _fetch(lambda request: httpx.Response(500, text="<title>oops</title>"))


def test_slow_local_server_times_out_with_the_timeout_in_the_message(local_server: str) -> None:
    url = f"{local_server}/slow"
    with pytest.raises(FetchError) as caught:
        fetch_page(url, timeout=0.5, archive_lookup=False)
    assert str(caught.value) == f"url: {url!r} timed out: the 0.5 s deadline passed before the server answered"


def test_redirect_chain_from_a_local_server_is_recorded(local_server: str) -> None:
    page = fetch_page(f"{local_server}/old", archive_lookup=False)
    assert page.requested_url == f"{local_server}/old"
    assert page.redirects == [f"{local_server}/old", f"{local_server}/moved"]
    assert page.url == f"{local_server}/page"
    assert (page.status, page.title, page.language) == (200, "Test Report 1", "el")


def test_too_many_redirects_raise_fetch_error(local_server: str) -> None:
    url = f"{local_server}/loop"
    with pytest.raises(FetchError, match=r"redirected more than 3 times"):
        fetch_page(url, max_redirects=3, archive_lookup=False)


def test_pdf_is_refused_with_advice_to_add_the_source_by_hand() -> None:
    with pytest.raises(FetchError) as caught:
        _fetch(_html(b"%PDF-1.7", "application/pdf"))
    assert str(caught.value) == (
        f"url: {PAGE_URL!r} is application/pdf, not an HTML page; "
        "add the source by hand with `equipment-db source add`"
    )


def test_connection_refused_raises_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(FetchError) as caught:
        fetch_page(url, archive_lookup=False, timeout=2)
    assert str(caught.value) == f"url: {url!r} could not be reached: connection refused"


def test_unresolvable_host_raises_fetch_error() -> None:
    def no_dns(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with pytest.raises(FetchError, match=r"could not be reached: host name could not be resolved"):
        _fetch(no_dns)


def test_body_larger_than_max_bytes_is_refused() -> None:
    transport, _ = _mock_transport(_html(b"<p>" + b"x" * 2000))
    with pytest.raises(FetchError, match=r"is larger than 1000 bytes \(max_bytes\)"):
        fetch_page(PAGE_URL, transport=transport, max_bytes=1000)


def test_body_without_length_stops_streaming_past_max_bytes() -> None:
    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"<p>" + b"x" * 500

    transport, _ = _mock_transport(
        lambda request: httpx.Response(200, headers={"content-type": "text/html"}, content=endless())
    )
    with pytest.raises(FetchError, match=r"is larger than 10000 bytes"):
        fetch_page(PAGE_URL, transport=transport, max_bytes=10_000)


def test_undecodable_body_raises_fetch_error() -> None:
    with pytest.raises(
        FetchError, match=r"has a body that could not be decoded \(the body is not valid utf-8\)"
    ):
        _fetch(_html(b"<title>\xff\xfe\xfa</title>", "text/html"))
