"""`equipment-db source ...`: add, edit, show, list, retract, and fetch against a local server.

`source fetch` runs against a `ThreadingHTTPServer` on 127.0.0.1 with `--no-archive`, so
nothing leaves the machine. Every refused command exits 1 with one stderr line naming the
field and the value, and leaves the database as it was. Synthetic data only (example.org).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from equipment_db.history.models import Revision
from equipment_db.vocab import EntityType
from tests.cli_helpers import (  # noqa: F401  (_dispose_engines is an autouse fixture)
    EDITOR,
    _dispose_engines,
    assert_each_refused,
    assert_refused,
    cli,
    explain,
    lines,
    ok,
    read_json,
    runner,
    state,
)
from tests.dbs import DatabaseFactory, engine_for
from tests.local_http import serving

SOURCE_ID = re.compile(r"S-[0-9A-Z]{8}")

ANADOLU = "S-PJZ2YVHP"  # cites CNN
CNN = "S-SNXDBGDV"
ANADOLU_TITLE = (
    "Venezuela's president claims his country has 5,000 Russian missiles as Trump weighs military action"
)
CHAIN_FROM_ANADOLU = [
    {"id": ANADOLU, "publisher": "Anadolu Agency", "title": ANADOLU_TITLE, "url": None, "archive_url": None},
    {"id": CNN, "publisher": "CNN", "title": None, "url": None, "archive_url": None},
]
ADD_TEST_REPORT_9 = (
    "source", "add", "--kind", "news_article", "--title", "Test Report 9", "--publisher", "Example Press",
    "--author", "Test Author A", "--author", "Test Author B",
    "--url", "HTTPS://Example.ORG:443/report-9?utm_source=newsletter&page=2&fbclid=abc#top",
    "--published", "2025-10", "--accessed", "2025-11-01", "--language", "es-VE", "--cites", ANADOLU,
    "--note", "Synthetic test source.",
)  # fmt: skip
TEST_REPORT_9_URL = "https://example.org/report-9?page=2"


# --- helpers ------------------------------------------------------------------------------------


def without_times(record: dict[str, Any]) -> dict[str, Any]:
    rest = dict(record)
    for key in ("created_at", "updated_at"):
        datetime.fromisoformat(rest.pop(key))
    return rest


def add_test_report_9(url: str) -> str:
    result = ok(url, *ADD_TEST_REPORT_9)
    assert SOURCE_ID.fullmatch(result.stdout.strip()), result.stdout
    return result.stdout.strip()


def source_revisions(url: str) -> list[tuple[str, int, str, str, str | None]]:
    engine = engine_for(url)
    try:
        with Session(engine) as session:
            found = session.exec(
                select(Revision).where(Revision.entity_type == EntityType.source).order_by(Revision.id)
            ).all()
            return [(r.entity_key, r.version, r.action.value, r.editor, r.reason) for r in found]
    finally:
        engine.dispose()


# --- add / show / list --------------------------------------------------------------------------


def test_source_add_prints_the_new_id_and_show_json_gives_the_normalised_record_and_chain(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    result = ok(url, *ADD_TEST_REPORT_9)
    assert SOURCE_ID.fullmatch(result.stdout.removesuffix("\n")) and result.stderr == "", result.output
    source_id = result.stdout.strip()
    assert without_times(read_json(url, "source", "show", source_id)) == {
        "type": "source",
        "id": source_id,
        "kind": "news_article",
        "title": "Test Report 9",
        "publisher": "Example Press",
        "authors": ["Test Author A", "Test Author B"],
        "url": TEST_REPORT_9_URL,
        "published": "2025-10",
        "accessed": "2025-11-01",
        "archive_url": None,
        "language": "es-VE",
        "fetched_at": None,
        "content_sha256": None,
        "note": "Synthetic test source.",
        "cites": ANADOLU,
        "reporting_chain": [
            {
                "id": source_id,
                "publisher": "Example Press",
                "title": "Test Report 9",
                "url": TEST_REPORT_9_URL,
                "archive_url": None,
            },
            *CHAIN_FROM_ANADOLU,
        ],
        "claims": 0,
        "version": 1,
        "retracted_at": None,
        "retraction_reason": None,
    }
    assert source_revisions(url)[-1] == (source_id, 1, "create", EDITOR, None)


def test_source_show_finds_a_source_by_its_url_however_written_and_gives_a_table(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    source_id = add_test_report_9(url)
    for key in (TEST_REPORT_9_URL, "https://EXAMPLE.org/report-9?page=2&utm_medium=x#top", source_id.lower()):
        assert read_json(url, "source", "show", key)["id"] == source_id, key
    shown = lines(ok(url, "source", "show", source_id).stdout)
    assert "authors Test Author A; Test Author B" in shown
    assert f"reporting chain {source_id} Example Press -> {ANADOLU} Anadolu Agency -> {CNN} CNN" in shown
    assert "claims 0" in shown


def test_source_show_gives_the_seeded_reporting_chain_and_claim_count(dbs: DatabaseFactory) -> None:
    record = read_json(dbs.seeded(), "source", "show", ANADOLU)
    assert (record["cites"], record["reporting_chain"], record["claims"]) == (CNN, CHAIN_FROM_ANADOLU, 10)


def test_source_list_gives_every_source_in_id_order_as_json_and_as_a_table(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    rows = read_json(url, "source", "list")
    assert len(rows) == 18
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert next(row for row in rows if row["id"] == ANADOLU) == {
        "id": ANADOLU,
        "kind": "news_article",
        "publisher": "Anadolu Agency",
        "title": ANADOLU_TITLE,
        "published": "2025-10-23",
        "url": None,
        "version": 1,
    }
    shown = lines(ok(url, "source", "list").stdout)
    assert shown[1] == "┃ id ┃ kind ┃ publisher ┃ title ┃ published ┃ url ┃"
    assert f"│ {CNN} │ other │ CNN │ │ │ │" in shown
    assert [line[2:12] for line in shown if SOURCE_ID.match(line, 2)] == [row["id"] for row in rows]


# --- edit / retract -----------------------------------------------------------------------------


def test_source_edit_makes_a_new_version_and_author_replaces_the_list(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    result = ok(url, "source", "edit", ANADOLU, "--author", "Test Author C", "--url",
                "https://example.org/anadolu-test#x", "--reason", "test edit")  # fmt: skip
    assert (result.stdout, result.stderr) == ("", f"{ANADOLU} is at version 2.\n")
    record = read_json(url, "source", "show", "https://example.org/anadolu-test")
    assert (record["id"], record["authors"], record["version"]) == (ANADOLU, ["Test Author C"], 2)
    assert record["url"] == "https://example.org/anadolu-test"
    assert source_revisions(url)[-1] == (ANADOLU, 2, "update", EDITOR, "test edit")


def test_source_edit_cites_extends_the_reporting_chain(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    wire_id = ok(url, "source", "add", "--kind", "other", "--publisher", "Example Wire").stdout.strip()
    ok(url, "source", "edit", CNN, "--cites", wire_id, "--reason", "CNN credits the wire")
    chain = read_json(url, "source", "show", ANADOLU)["reporting_chain"]
    assert [link["id"] for link in chain] == [ANADOLU, CNN, wire_id]


def test_source_retract_hides_it_from_the_list_but_show_and_its_claims_still_read(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    result = ok(url, "source", "retract", CNN, "--reason", "test retraction")
    assert (result.stdout, result.stderr) == ("", f"{CNN} is retracted.\n")
    assert CNN not in [row["id"] for row in read_json(url, "source", "list")]
    assert CNN in [row["id"] for row in read_json(url, "source", "list", "--include-retracted")]
    record = read_json(url, "source", "show", CNN)
    datetime.fromisoformat(record["retracted_at"])
    assert (record["retraction_reason"], record["version"]) == ("test retraction", 2)
    assert [c["source"] for c in read_json(url, "claim", "show", "C-YSESYR2E")["citations"]] == [ANADOLU, CNN]
    message = f"source '{CNN}' is retracted and cannot be changed"
    assert_each_refused(url, [
        ("edit-retracted", ["source", "edit", CNN, "--title", "Test", "--reason", "test"], message),
        ("retract-retracted", ["source", "retract", CNN, "--reason", "again"], message),
    ])  # fmt: skip


# --- errors -------------------------------------------------------------------------------------

ADD_9 = ["source", "add", "--kind", "news_article", "--title", "Test Report 9"]
SOURCE_ERRORS: list[tuple[str, list[str], str]] = [
    ("add-url-already-stored", [*ADD_9, "--url", "https://example.org:443/report-9?page=2&utm_campaign=x#again"],
     f"source with url '{TEST_REPORT_9_URL}' already exists"),
    ("add-month-13", [*ADD_9, "--published", "2025-13-45"],
     "published: '2025-13-45' is not a real date (month must be in 1..12)"),
    ("add-30-february", [*ADD_9, "--published", "2025-02-30"],
     "published: '2025-02-30' is not a real date (day is out of range for month)"),
    ("add-date-in-words", [*ADD_9, "--published", "next week"],
     "published: 'next week' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("add-partial-access-date", [*ADD_9, "--accessed", "2025-10"],
     "accessed: '2025-10' must be a full date (YYYY-MM-DD)"),
    ("add-unknown-language-code", [*ADD_9, "--language", "xx"],
     "language: 'xx' is not an ISO 639 language code (like en, es, el)"),
    ("add-language-name", [*ADD_9, "--language", "english"],
     "language: 'english' is not an ISO 639 language code (like en, es, el)"),
    ("add-ftp-url", [*ADD_9, "--url", "ftp://example.org/report-9"],
     "url: 'ftp://example.org/report-9' is not an http(s) URL with a host"),
    ("add-url-without-scheme", [*ADD_9, "--url", "example.org/report-9"],
     "url: 'example.org/report-9' is not an http(s) URL with a host"),
    ("add-without-title-or-publisher", ["source", "add", "--kind", "news_article", "--url", "https://example.org/x"],
     "title: required or a publisher: a source must say what it is"),
    ("add-citing-an-unknown-source", [*ADD_9, "--cites", "S-00000000"], "source not found: 'S-00000000'"),
    ("add-id-taken", [*ADD_9, "--id", ANADOLU], f"source with public_id '{ANADOLU}' already exists"),
    ("show-unknown-id", ["source", "show", "S-00000000"], "source not found: 'S-00000000'"),
    ("show-unknown-url", ["source", "show", "https://example.org/nothing"],
     "source not found: 'https://example.org/nothing'"),
    ("edit-into-a-citation-loop", ["source", "edit", CNN, "--cites", ANADOLU, "--reason", "test"],
     f"cites: '{ANADOLU}' would make the source cite itself"),
    ("edit-to-a-url-already-stored", ["source", "edit", ANADOLU, "--url", TEST_REPORT_9_URL, "--reason", "test"],
     f"source with url '{TEST_REPORT_9_URL}' already exists"),
    ("edit-bad-date", ["source", "edit", ANADOLU, "--published", "23/10/2025", "--reason", "test"],
     "published: '23/10/2025' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
    ("edit-unknown", ["source", "edit", "S-00000000", "--title", "Test", "--reason", "test"],
     "source not found: 'S-00000000'"),
    ("retract-unknown", ["source", "retract", "S-00000000", "--reason", "test"], "source not found: 'S-00000000'"),
]  # fmt: skip


def test_source_command_that_breaks_a_rule_is_one_line_naming_field_and_value_and_writes_nothing(
    dbs: DatabaseFactory,
) -> None:
    url = dbs.seeded()
    add_test_report_9(url)
    assert_each_refused(url, SOURCE_ERRORS)


def test_source_usage_errors_exit_2_naming_the_option_and_write_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    before = state(url)
    for args, says in (
        (["source", "edit", ANADOLU, "--title", "Test title"], "Missing option '--reason'"),
        (["source", "retract", ANADOLU], "Missing option '--reason'"),
        (["source", "add", "--kind", "rumour", "--title", "Test"], "Invalid value for '--kind'"),
    ):
        result = cli(url, *args)
        assert (result.exit_code, result.stdout) == (2, ""), explain(result)
        assert says in result.stderr, result.stderr
    assert state(url) == before


# --- fetch, against a local server --------------------------------------------------------------

PAGE_JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Test Report 9",
    "datePublished": "2025-10-23T09:00:00Z",
    "inLanguage": "en",
    "author": [{"@type": "Person", "name": "Test Author A"}, "Test Author B"],
    "publisher": {"@type": "Organization", "name": "Example News"},
}
PAGE = f"""<!doctype html>
<html lang="en"><head>
<title>Test Report 9 | Example News</title>
<meta property="og:title" content="Test Report 9">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-10-23T09:00:00Z">
<script type="application/ld+json">{json.dumps(PAGE_JSON_LD)}</script>
</head><body><p>Synthetic test page.</p></body></html>""".encode()
PAGE_SHA256 = hashlib.sha256(PAGE).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event  # set at teardown, so a slow answer never outlives the tests

    def do_GET(self) -> None:
        if self.path == "/report-9":
            return self._send(200, PAGE)
        if self.path == "/old-report-9":
            return self._send(301, b"", location="/report-9")
        if self.path == "/report-9.pdf":
            return self._send(200, b"%PDF-1.4 synthetic", content_type="application/pdf")
        if self.path == "/slow":
            self.release.wait(10)
            return self._send(200, PAGE)
        return self._send(404, b"<title>Not here</title>")

    def _send(self, status: int, body: bytes, *, location: str | None = None,
              content_type: str = "text/html; charset=utf-8") -> None:  # fmt: skip
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    release = threading.Event()
    with serving(type("Handler", (_Handler,), {"release": release}), release) as base:
        yield base


def fetched_record(site: str, **changes: Any) -> dict[str, Any]:
    """What `source fetch --json` shows for the test page, but for the access times."""
    return {
        "kind": "news_article",
        "title": "Test Report 9",
        "publisher": "Example News",
        "authors": ["Test Author A", "Test Author B"],
        "url": f"{site}/report-9",
        "published": "2025-10-23",
        "language": "en",
        "content_sha256": PAGE_SHA256,
        "status": 200,
        "redirects": [],
    } | changes


def without_access_times(record: dict[str, Any]) -> dict[str, Any]:
    rest = dict(record)
    assert rest.pop("accessed") == datetime.now(UTC).date().isoformat()
    fetched_at = datetime.fromisoformat(rest.pop("fetched_at"))
    assert abs((datetime.now(UTC) - fetched_at).total_seconds()) < 60
    return rest


@pytest.fixture
def no_database(tmp_path: Path) -> Iterator[str]:
    """A database URL for fetches that must not touch any database: the file is never created."""
    path = tmp_path / "never-created.sqlite3"
    yield f"sqlite:///{path}"
    assert not path.exists()


def test_source_fetch_json_gives_title_publisher_authors_date_language_and_sha256(
    no_database: str, site: str
) -> None:
    result = ok(no_database, "source", "fetch", f"{site}/report-9", "--no-archive", "--json")
    assert without_access_times(json.loads(result.stdout)) == fetched_record(site)
    assert result.stderr == "Not saved: run again with --save to store it.\n"


def test_source_fetch_follows_a_redirect_and_reports_it(no_database: str, site: str) -> None:
    result = ok(no_database, "source", "fetch", f"{site}/old-report-9", "--no-archive", "--json")
    assert without_access_times(json.loads(result.stdout)) == fetched_record(
        site, redirects=[f"{site}/old-report-9"]
    )


def test_source_fetch_without_save_stores_nothing_when_not_at_a_terminal(
    dbs: DatabaseFactory, site: str
) -> None:
    url = dbs.migrated()
    before = state(url)
    result = ok(url, "source", "fetch", f"{site}/report-9", "--no-archive")
    shown = lines(result.stdout)
    assert shown[:3] == ["kind news_article", "title Test Report 9", "publisher Example News"]
    assert f"url {site}/report-9" in shown and f"content sha256 {PAGE_SHA256}" in shown
    assert "Save this as a new source?" not in result.output
    assert result.stderr == "Not saved: run again with --save to store it.\n"
    assert state(url) == before


def test_source_fetch_save_stores_a_source_with_the_page_details_once(
    dbs: DatabaseFactory, site: str
) -> None:
    url = dbs.seeded()
    result = ok(url, "source", "fetch", f"{site}/report-9", "--no-archive", "--save", "--cites", ANADOLU)
    match = re.fullmatch(r"Saved as (S-[0-9A-Z]{8})\.\n", result.stderr)
    assert match, result.stderr
    source_id = match.group(1)
    record = without_access_times(without_times(read_json(url, "source", "show", f"{site}/report-9")))
    assert record == {
        "type": "source",
        "id": source_id,
        "kind": "news_article",
        "title": "Test Report 9",
        "publisher": "Example News",
        "authors": ["Test Author A", "Test Author B"],
        "url": f"{site}/report-9",
        "published": "2025-10-23",
        "archive_url": None,
        "language": "en",
        "content_sha256": PAGE_SHA256,
        "note": None,
        "cites": ANADOLU,
        "reporting_chain": [
            {
                "id": source_id,
                "publisher": "Example News",
                "title": "Test Report 9",
                "url": f"{site}/report-9",
                "archive_url": None,
            },
            *CHAIN_FROM_ANADOLU,
        ],
        "claims": 0,
        "version": 1,
        "retracted_at": None,
        "retraction_reason": None,
    }
    assert source_revisions(url)[-1] == (source_id, 1, "create", EDITOR, f"fetched from {site}/report-9")
    before = state(url)
    again = cli(url, "source", "fetch", f"{site}/old-report-9", "--no-archive", "--save")  # redirects to it
    assert again.exit_code == 1, explain(again)
    assert again.stderr == f"error: source with url '{site}/report-9' already exists\n"
    assert state(url) == before


def test_source_fetch_that_cannot_read_a_page_is_one_line_naming_the_url_and_the_cause(
    no_database: str, site: str
) -> None:
    cases = [
        ([f"{site}/missing"], f"url: '{site}/missing' returned HTTP 404 Not Found"),
        ([f"{site}/report-9.pdf"], f"url: '{site}/report-9.pdf' is application/pdf, not an HTML page; "
                                   "add the source by hand with `equipment-db source add`"),
        ([f"{site}/slow", "--timeout", "0.5"],
         f"url: '{site}/slow' timed out: the 0.5 s deadline passed before the server answered"),
        (["ftp://example.org/report-9"], "url: 'ftp://example.org/report-9' is not an http(s) URL with a host"),
        (["http://127.0.0.1:1/report-9"], "url: 'http://127.0.0.1:1/report-9' could not be reached: "
                                          "connection refused"),
    ]  # fmt: skip
    for args, message in cases:
        started = time.monotonic()
        result = cli(no_database, "source", "fetch", *args, "--no-archive", "--save")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n"), explain(
            result
        )
        assert "Traceback" not in result.output
        assert time.monotonic() - started < 5, args


def test_source_fetch_table_shows_authors_as_names_not_python_syntax(no_database: str, site: str) -> None:
    shown = lines(ok(no_database, "source", "fetch", f"{site}/report-9", "--no-archive").stdout)
    assert "authors Test Author A; Test Author B" in shown


def test_source_fetch_json_gives_fetched_at_in_iso_8601_like_source_show(no_database: str, site: str) -> None:
    record = read_json(no_database, "source", "fetch", f"{site}/report-9", "--no-archive")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", record["fetched_at"]), record
