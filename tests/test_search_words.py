"""One corpus of how reporting writes designations, searched on SQLite and on PostgreSQL: both
engines split words alike (`Su-30`, `F-16A/B`, `9K38`, `Igla-S` with U+2011), drop diacritics
and ignore case, so each query finds the same claims on each (issue 15, part 4)."""

from __future__ import annotations

from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory

ANADOLU = "S-PJZ2YVHP"  # a seeded source
NOTES = {
    "su30": "Test note: the air force flew Su-30MKI jets near the border.",
    "f16": "Test note: the F-16 fleet was grounded.",
    "f16ab": "Test note: twelve F-16A/B Block 15 aircraft were upgraded.",
    "9k38": "Test note: the 9K38 Igla entered service in 1983.",
    "nbh": "Test note: deliveries of Igla\u2011S launchers, written with a non-breaking hyphen.",
    "zurich": "Test note: the Zürich-based maker quoted a price.",
    "fim92": "Test note: FIM-92 Stinger missiles, “reported” by a wire.",
}
# query -> the corpus notes it finds, the same on both engines
EXPECTED = {
    "Su-30": ["su30"], "SU-30MKI": ["su30"], "su 30": ["su30"],
    "F-16": ["f16", "f16ab"], "f-16a/b": ["f16ab"], "F-16A": ["f16ab"],
    "9K38": ["9k38"], "9k38 igla": ["9k38"],
    "Igla-S": ["nbh"], "Igla\u2011S": ["nbh"], "IGLA\u2011S launchers": ["nbh"],
    "Zurich": ["zurich"], "ZÜRICH": ["zurich"], "zürich-based": ["zurich"],
    "FIM-92": ["fim92"], "fim92": [], '"reported"': ["fim92"], "Stinger’s": [],
}  # fmt: skip


def test_each_query_finds_the_same_claims_on_both_engines(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()  # the claims are of a system whose names match no query: only their notes do
    ok(url, "system", "add", "test-system-9", "--name", "Test System 9", "--category", "manpads")
    ids = {}
    for name, note in NOTES.items():
        added = ok(url, "claim", "add", "--kind", "inventory", "--system", "test-system-9", "--country", "VE",
                   "--counted", "missiles", "--quantity", "1", "--note", note, "--source", ANADOLU)  # fmt: skip
        ids[name] = added.stdout.strip()
    names = {claim_id: name for name, claim_id in ids.items()}
    found = {}
    with api(url) as client:
        for query in EXPECTED:
            response = client.get("/v1/search", params={"q": query, "types": "claim", "limit": 100})
            assert response.status_code == 200, (query, response.text)
            found[query] = sorted(names[i["id"]] for i in response.json()["items"] if i["id"] in names)
    assert found == {query: sorted(hits) for query, hits in EXPECTED.items()}
