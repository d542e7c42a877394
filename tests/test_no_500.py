"""No page or route answers 500: a database holding claims of every kind, qualifier, scope,
stance, party type (country, Kosovo, a former country, an actor, unknown), EDTF shape and
missing value is crawled through every GET operation of the OpenAPI schema, as JSON and as
HTML, with the list filters and every citation format; only 200, 3xx and 4xx are accepted. On
SQLite and PostgreSQL (issue 15, part 6). The operations come from the app itself, so a new
route is crawled without a change here."""

from __future__ import annotations

from typing import Any

from equipment_db.citations.render import CitationFormat
from tests.api_client import api
from tests.cli_helpers import _dispose_engines, ok  # noqa: F401  (autouse)
from tests.dbs import DatabaseFactory

ANADOLU = "S-PJZ2YVHP"  # a seeded source
GROUP = "Test Armed Group"
MISSILES = ["--system", "igla-s", "--counted", "missiles", "--source", ANADOLU]
CLAIMS: list[list[str]] = [
    ["--kind", "inventory", "--country", "XK", "--value", "about 12", "--about", "198X"],
    ["--kind", "inventory", "--country", "VE", "--value", "some", "--about", "2022?"],
    ["--kind", "inventory", "--party", f"actor:{GROUP}", "--value", "hundreds", "--about", "2022-03~"],
    ["--kind", "deployment", "--country", "VE", "--value", "no less than 5,000", "--about", "1997/.."],
    ["--kind", "transfer", "--country", "DDDE", "--counterparty", "SUHH", "--scope", "delivered",
     "--value", "nearly 2,000", "--about", "../1989-07-27"],
    ["--kind", "transfer", "--country", "UA", "--counterparty", "unknown", "--scope", "pledged",
     "--value", "2,700", "--about", "2022-02/2022-07-27"],
    ["--kind", "transfer", "--country", "UA", "--counterparty", "DE", "--scope", "delivered", "--stance", "denies",
     "--about", "2024"],
    ["--kind", "transfer", "--party", f"actor:{GROUP}", "--counterparty", "IR", "--scope", "approved",
     "--value", "up to 40"],
    ["--kind", "loss", "--country", "UA", "--counterparty", "RU", "--scope", "captured", "--value", "more than 4"],
    ["--kind", "transfer", "--country", "UA", "--counterparty", "US", "--scope", "ordered", "--value", "100 to 200",
     "--stated", "2023"],
]  # fmt: skip


def _fill(path: str, values: dict[str, list[str]]) -> list[str]:
    paths = [path]
    for name, choices in values.items():
        if "{" + name + "}" in path:
            paths = [p.replace("{" + name + "}", choice) for p in paths for choice in choices]
    return paths


def test_every_get_route_answers_without_a_server_error(dbs: DatabaseFactory) -> None:
    url = dbs.seeded()
    ok(url, "actor", "add", GROUP, "--kind", "armed_force")
    ids = [ok(url, "claim", "add", *options, *MISSILES).stdout.strip() for options in CLAIMS]
    values = {"key": ["igla-s", "fim-92-stinger", "no-such-system"], "version": ["1", "2"],
              "claim_id": [*ids, "C-YSESYR2E", "C-00000000"], "source_id": [ANADOLU, "S-00000000"],
              "code": ["VE", "XK", "SUHH", "DDDE", "UA", "ZZ"], "name": [GROUP, "Nobody"]}  # fmt: skip
    queries: dict[str, list[dict[str, Any]]] = {
        "/v1/timeline": [{"system": "igla-s", "country": party} for party in ("VE", "UA", "XK", "DDDE",
                                                                              f"actor:{GROUP}", "unknown")],
        "/v1/compare": [{"systems": "igla-s,fim-92-stinger"}, {"systems": "igla-s,fim-92-stinger",
                                                               "include_deprecated": "true"}],
        "/v1/search": [{"q": q} for q in ("Igla-S", "Kosovo", "Soviet Union", GROUP, "Su-30")],
        "/v1/claims": [{}, {"country": "XK"}, {"party": f"actor:{GROUP}"}, {"counterparty": "unknown"},
                       {"scope": "pledged"}, {"stance": "denies"}, {"counted": "missiles"}, {"kind": "loss"}],
        "/v1/export": [{}],
    }  # fmt: skip
    for template in ("/v1/claims/{claim_id}/citation", "/v1/systems/{key}/citation", "/v1/sources/{source_id}/citation"):
        queries[template] = [{"format": f.value} for f in CitationFormat]
    answered, failures = 0, []
    with api(url) as client:
        operations = client.get("/openapi.json").json()["paths"]
        for template, operation in operations.items():
            if "get" not in operation:
                continue
            for path in _fill(template, values):
                for params in queries.get(template, [{}]):
                    for headers in ({}, {"accept": "text/html"}):
                        response = client.get(path, params=params, headers=headers)
                        answered += 1
                        if response.status_code >= 500:
                            failures.append((path, params, headers, response.status_code, response.text[:200]))
    assert failures == [], failures
    assert answered > 300, answered
