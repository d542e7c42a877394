"""Every citation format carries a source's reporting chain (a wire story reprinted by a paper; a
blog quoting a newspaper quoting diplomatic cables) and a superseded status, and APA leaves out
a publisher that is also the author; on SQLite and PostgreSQL (issue 15, part 5)."""

from __future__ import annotations

import json

import bibtexparser
import pytest

from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory

FORMATS = ["apa", "chicago", "mla", "bibtex", "ris", "csl-json"]


def _cite(url: str, claim_id: str, fmt: str) -> str:
    with api(url) as client:
        response = client.get(f"/v1/claims/{claim_id}/citation", params={"format": fmt})
    assert response.status_code == 200, response.text
    return response.text


def _source(url: str, publisher: str, *cites: str) -> str:
    return ok(url, "source", "add", "--kind", "web_page", "--publisher", publisher, "--url",
              f"https://example.org/{publisher.replace(' ', '-').lower()}", *cites).stdout.strip()  # fmt: skip


def test_every_format_carries_the_reporting_chain(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    cables = _source(url, "Test Cables")
    paper = _source(url, "Test Newspaper", "--cites", cables)
    blog = _source(url, "Test Blog", "--cites", paper)
    claim_id = ok(url, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "VE",
                  "--counted", "missiles", "--quantity", "10", "--source", blog).stdout.strip()  # fmt: skip
    chain = "Test Cables, reported by Test Newspaper, cited by Test Blog"
    for fmt in FORMATS:
        assert chain in _cite(url, claim_id, fmt), fmt
    notes = [item.get("note", "") for item in json.loads(_cite(url, claim_id, "csl-json"))]
    assert any(f"reporting chain: {chain}" in note for note in notes[1:])
    library = bibtexparser.parse_string(_cite(url, claim_id, "bibtex"))
    assert library.failed_blocks == []
    assert any(chain in " ".join(str(entry.get("note").value).split()) for entry in library.entries
               if entry.get("note"))  # fmt: skip
    seeded = _cite(url, "C-YSESYR2E", "apa")  # Anadolu Agency cites CNN in the seed data
    assert "[reports the claim; reporting chain: CNN, cited by Anadolu Agency]" in seeded


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_superseded_claim_says_so_in_every_format(dbs: DatabaseFactory, fmt: str) -> None:
    url = dbs.seeded()
    add = ["claim", "add", "--kind", "inventory", "--system", "igla-s", "--country", "VE", "--counted", "missiles",
           "--source", "S-PJZ2YVHP"]  # fmt: skip
    old = ok(url, *add, "--quantity", "10").stdout.strip()
    new = ok(url, *add, "--quantity", "12").stdout.strip()
    assert "superseded" not in _cite(url, old, fmt)
    ok(url, "claim", "link", new, "supersedes", old)
    assert f"superseded by {new}" in _cite(url, old, fmt)
    assert "superseded" not in _cite(url, new, fmt)


def test_apa_names_a_publisher_that_is_also_the_author_once(dbs: DatabaseFactory) -> None:
    apa = _cite(dbs.seeded(), "C-YSESYR2E", "apa")
    assert "CNN. (n.d.). [Untitled source]. [cited in another source, not read directly]" in apa.splitlines()
