"""Issue 6 T2: a hostile input corpus sent to every parameter of every GET route.

SQL injection, full-text syntax, 10,000 characters, NUL, invalid UTF-8, page sizes past the
cap, forged and stale cursors, huge compare lists. Each answer is decided per input and
asserted exactly: a 4xx problem+json naming the parameter, or a 200 where the input is a
harmless value (a text filter matching nothing, `AND` = Andorra). Never a 500, and never a
change to the database: every row of every table is the same before and after.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api_client import api
from tests.dbs import DatabaseFactory, db_state, engine_for
from tests.reliability import report

PROBLEM = "application/problem+json"

CORPUS = [
    "' OR 1=1 --", "1; DROP TABLE claim", '" UNION SELECT name, name FROM actor --', "igla' OR '1'='1",
    '"igla', "NEAR(a b)", "*", "^", "title:igla", "AND OR NOT", "AND", "-", "(igla) OR (", "a*", "%",
    "x" * 10_000, "igla\x00s",
]  # fmt: skip
# Percent-encodings sent as they are, and what the server reads (invalid UTF-8 becomes U+FFFD).
RAW = {"%00": "\x00", "%ff%fe": "\ufffd\ufffd", "%ED%A0%80": "\ufffd\ufffd\ufffd", "%C0%AF": "\ufffd\ufffd"}
SQL_INJECTIONS = [text for text in CORPUS if "'" in text or "SELECT" in text or "DROP" in text]

# Every parameter of the API, by what it holds. A new parameter fails
# `test_every_parameter_of_the_api_is_in_the_corpus_test` until it is placed here.
TYPED = {"category", "include_retracted", "include_deprecated", "limit", "version", "format", "kind", "counted",
         "attribute", "status", "rank", "include", "types", "claims_limit", "scope", "stance"}  # fmt: skip
FREE_TEXT = {"text", "publisher", "language"}
COUNTRIES = {"origin", "country", "counterparty", "party"}
ENTITIES = {"target_type", "system", "claimant", "source", "key", "name"}
INVALID_WHEN_MALFORMED = {"stated_from", "stated_to", "about_from", "about_to", "cursor", "url", "claim_id",
                          "external_id"}
PARAMETERS = TYPED | FREE_TEXT | COUNTRIES | ENTITIES | INVALID_WHEN_MALFORMED | {"code", "systems", "q",
                                                                                "source_id"}  # fmt: skip


@dataclass
class Hostile:
    client: TestClient
    engine: sa.Engine
    valid: dict[str, str]  # a valid value for each path parameter, and the query a route needs
    sent: int = 0

    def get(self, url: str, **params: Any) -> httpx.Response:
        self.sent += 1
        return self.client.get(url, params=params or None, follow_redirects=False)


@pytest.fixture
def hostile(dbs: DatabaseFactory) -> Iterator[Hostile]:
    url = dbs.seeded()
    engine = engine_for(url)
    with api(url) as client:
        valid = {"key": client.get("/v1/systems").json()["items"][0]["slug"],
                 "claim_id": client.get("/v1/claims").json()["items"][0]["id"],
                 "source_id": client.get("/v1/sources").json()["items"][0]["id"],
                 "name": quote(client.get("/v1/actors").json()["items"][0]["name"], safe=""),
                 "code": "VE", "version": "1"}  # fmt: skip
        found = Hostile(client, engine, valid)
        yield found
    report("T2 hostile input", found.engine.dialect.name, requests=found.sent, server_errors=0,
           database_changed=False)
    engine.dispose()


@contextmanager
def database_unchanged(engine: sa.Engine) -> Iterator[None]:
    before = db_state(engine)
    yield
    assert db_state(engine) == before, "a GET changed the database"


def assert_problem(r: httpx.Response, status: int, code: str, parameter: str, sent: object = None) -> dict:
    where = (sent if not isinstance(sent, str) else sent[:80], r.request.url.path[:80], r.status_code, r.text[:300])
    assert r.status_code == status, where
    assert r.headers["content-type"] == PROBLEM, where
    body = r.json()
    assert (body["status"], body["code"], body["parameter"]) == (status, code, parameter), where
    assert "Traceback" not in r.text and "sqlalchemy" not in r.text.lower(), where
    return body


def _max_length(schema: dict) -> int | None:
    for branch in [schema, *schema.get("anyOf", [])]:
        if "maxLength" in branch:
            return branch["maxLength"]
    return None


def expected(path: str, name: str, value: str, max_length: int | None) -> tuple[int, str]:
    """The status and problem code (`ok` for a 200) that `value` must get in parameter `name`."""
    if "\x00" in value or (max_length is not None and len(value) > max_length):
        return 422, "invalid_parameter"
    if name in TYPED:
        return 422, "invalid_parameter"
    if name in FREE_TEXT:
        return 200, "ok"
    if name == "q":  # words without a letter or digit match nothing: nothing to search for
        return (200, "ok") if re.search(r"[^\W_]", value) else (422, "missing_value")
    if name in COUNTRIES or name == "code":  # AND is Andorra (ISO 3166 alpha-3)
        if value == "AND":
            return 200, "ok"
        return (404, "not_found") if name == "code" else (400, "invalid_value")
    if path == "/v1/compare":  # one system: a comparison needs 2 to 10; two: the first is unknown
        two = name == "systems" and len([k for k in value.split(",") if k.strip()]) > 1
        return (404, "not_found") if two else (400, "invalid_value")
    if name == "source_id":  # the detail wants an id; versions and citations also take a URL
        return (400, "invalid_value") if path == "/v1/sources/{source_id}" else (404, "not_found")
    if name in INVALID_WHEN_MALFORMED:
        return 400, "invalid_value"
    assert name in ENTITIES, name
    return 404, "not_found"


def _requests(spec: dict, valid: dict[str, str]) -> Iterator[tuple[str, str, dict, str, str]]:
    """(route, parameter, its schema, url with the hostile value in it, value read) for every
    parameter of every route and every input of the corpus, the other parameters valid."""
    needs = {"/v1/timeline": {"system": valid["key"], "country": "VE"},
             "/v1/systems/{key}/timeline": {"country": "VE"}, "/v1/search": {"q": "igla"}}  # fmt: skip
    for path, item in spec["paths"].items():
        for parameter in item["get"].get("parameters", []):
            name = parameter["name"]
            for sent, read in [*((quote(text, safe=""), text) for text in CORPUS), *RAW.items()]:
                path_values = {p["name"]: valid[p["name"]] for p in item["get"]["parameters"] if p["in"] == "path"}
                query = {k: quote(v, safe="") for k, v in needs.get(path, {}).items()}
                (path_values if parameter["in"] == "path" else query)[name] = sent
                url = path.format(**path_values) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()))
                yield path, name, parameter["schema"], url, read


def test_every_parameter_of_the_api_is_in_the_corpus_test(dbs: DatabaseFactory) -> None:
    with api(dbs.migrated()) as client:
        spec = client.get("/openapi.json").json()
    names = {p["name"] for item in spec["paths"].values() for p in item["get"].get("parameters", [])}
    assert names == PARAMETERS


@pytest.mark.slow
def test_hostile_input_in_every_parameter_gets_an_exact_answer_and_changes_nothing(hostile: Hostile) -> None:
    spec = hostile.client.get("/openapi.json").json()
    answers: dict[tuple[int, str], int] = {}
    with database_unchanged(hostile.engine):
        for path, name, schema, url, value in _requests(spec, hostile.valid):
            status, code = expected(path, name, value, _max_length(schema))
            r = hostile.get(url)
            answers[status, code] = answers.get((status, code), 0) + 1
            if status == 200:
                assert r.status_code == 200 and r.headers["content-type"] == "application/json", (url[:120], r.text)
                body = r.json()
                if value in SQL_INJECTIONS and "items" in body:
                    assert body["items"] == [], (url, "an injection matched rows")
            else:
                assert_problem(r, status, code, name, url)
    total = sum(answers.values())
    print(f"\n{total} hostile requests: {answers}")
    parameters = sum(len(item["get"].get("parameters", [])) for item in spec["paths"].values())
    assert total == hostile.sent == parameters * (len(CORPUS) + len(RAW)) and parameters >= 80


LISTS = ["/v1/systems", "/v1/claims", "/v1/sources", "/v1/actors", "/v1/target-types"]


def test_a_page_size_past_the_cap_or_not_a_number_is_a_422_naming_limit(hostile: Hostile) -> None:
    with database_unchanged(hostile.engine):
        for path in [*LISTS, "/v1/search?q=igla", "/v1/timeline?system=igla-s&country=VE"]:
            for limit in ["100000", "-1", "0", "abc", "", "1e3", "501", "9" * 30]:
                r = hostile.get(f"{path}{'&' if '?' in path else '?'}limit={limit}")
                assert_problem(r, 422, "invalid_parameter", "limit", (path, limit))


def test_a_page_size_at_the_cap_is_served_and_a_claims_limit_of_zero_is_valid(hostile: Hostile) -> None:
    assert hostile.get("/v1/claims", limit=500).json()["limit"] == 500
    assert hostile.get("/v1/search", q="igla", limit=100).json()["limit"] == 100
    for detail in (f"/v1/sources/{hostile.valid['source_id']}", f"/v1/actors/{hostile.valid['name']}"):
        r = hostile.get(detail, claims_limit=0)
        assert r.status_code == 200 and r.json()["claims"] == [], r.text
        assert_problem(hostile.get(detail, claims_limit=501), 422, "invalid_parameter", "claims_limit")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


FORGED_CURSORS = [
    _b64(bytes(range(200, 248))),  # random bytes
    _b64(b'{"after": "12"}'), _b64(b'{"after": 1.5}'), _b64(b'{"after": true}'), _b64(b'{"after": null}'),
    _b64(b'{"after": -1}'), _b64(b'{"after": 9223372036854775807}'), _b64(b'{"before": 1}'), _b64(b"[1]"),
    _b64(b'"after"'), _b64(b"null"), _b64(b'{"after": {"$gt": 0}}'), _b64(b"' OR 1=1 --"),
    "eyJhZnRlciI6IDV9"[:9],  # a cursor cut short
    "!!!not-base64!!!", "", "=" * 8, "%",
]  # fmt: skip


def test_a_forged_cursor_is_a_400_naming_cursor(hostile: Hostile) -> None:
    with database_unchanged(hostile.engine):
        for path in LISTS:
            for cursor in FORGED_CURSORS:
                assert_problem(hostile.get(path, cursor=cursor), 400, "invalid_value", "cursor", (path, cursor))
            assert_problem(hostile.get(path, cursor="A" * 201), 422, "invalid_parameter", "cursor")


def _cursor(next_url: str) -> str:
    return httpx.URL(next_url).params["cursor"]


def test_a_stale_cursor_from_another_list_or_filter_is_a_400_naming_cursor(hostile: Hostile) -> None:
    """A cursor is a position in one list with its filters; anywhere else it is refused."""
    with database_unchanged(hostile.engine):
        claims_cursor = _cursor(hostile.get("/v1/claims", limit=3).json()["next"])
        news = hostile.get("/v1/sources", kind="news_article", limit=4).json()
        news_cursor = _cursor(news["next"])
        for path, params in [("/v1/sources", {"cursor": claims_cursor}),
                             ("/v1/sources", {"cursor": news_cursor, "kind": "other"}),
                             ("/v1/sources", {"cursor": news_cursor}),
                             ("/v1/claims", {"cursor": news_cursor, "kind": "inventory"})]:  # fmt: skip
            body = assert_problem(hostile.get(path, **params), 400, "invalid_value", "cursor", (path, params))
            assert "belongs to another list or other filters" in body["detail"]
        # the same list and filters, another page size: still its position
        following = hostile.get("/v1/sources", kind="news_article", limit=2, cursor=news_cursor)
        assert following.status_code == 200, following.text
        assert following.json()["items"][0]["id"] not in [item["id"] for item in news["items"]]


def test_huge_or_repeated_compare_lists_are_refused_naming_the_parameter(hostile: Hostile) -> None:
    slugs = [f"test-system-{n}" for n in range(1000)]
    with database_unchanged(hostile.engine):
        body = assert_problem(hostile.get("/v1/compare", systems=",".join(slugs)), 422, "invalid_parameter",
                              "systems")  # fmt: skip
        assert len(body["value"]) <= 201  # echoed, cut short
        assert_problem(hostile.get("/v1/compare", systems=",".join(["a"] * 1000)), 400, "invalid_value", "systems")
        assert_problem(hostile.get("/v1/compare", systems="," * 1999), 422, "missing_value", "systems")
        assert_problem(hostile.get("/v1/compare", system=slugs), 422, "invalid_parameter", "system")
        assert_problem(hostile.get("/v1/compare", system=slugs[:11]), 400, "invalid_value", "system")
        assert_problem(hostile.get("/v1/compare", system=["igla-s"] * 200), 400, "invalid_value", "system")
        twice = assert_problem(hostile.get("/v1/compare", systems="igla-s,igla-s"), 400, "invalid_value",
                               "systems")  # fmt: skip
        assert twice["detail"] == "systems: 'igla-s' names igla-s a second time"
        alias = assert_problem(hostile.get("/v1/compare", system=["igla-s", "SA-24"]), 400, "invalid_value",
                               "system")  # fmt: skip
        assert alias["detail"] == "system: 'SA-24' names igla-s a second time"
        assert_problem(hostile.get("/v1/compare", systems="igla-s,x" + "y" * 1990), 404, "not_found", "systems")


def test_a_blank_country_for_a_timeline_is_a_422_naming_country(hostile: Hostile) -> None:
    with database_unchanged(hostile.engine):
        for url in ("/v1/timeline?system=igla-s&country=%20", "/v1/systems/igla-s/timeline?country=%20%09"):
            body = assert_problem(hostile.get(url), 422, "missing_value", "country")
            assert body["detail"] == "country: required a country code or name"


def test_an_unknown_system_in_a_timeline_path_is_a_404_naming_key(hostile: Hostile) -> None:
    body = assert_problem(hostile.get("/v1/systems/test-system-none/timeline", country="VE"), 404, "not_found",
                          "key")  # fmt: skip
    assert body["value"] == "test-system-none"


def test_a_malformed_claim_id_in_a_path_is_a_400_naming_claim_id(hostile: Hostile) -> None:
    for suffix in ("", "/versions", "/versions/1", "/citation", "/claimreview"):
        body = assert_problem(hostile.get(f"/v1/claims/x'--{suffix}"), 400, "invalid_value", "claim_id")
        assert body["detail"] == "claim_id: \"x'--\" is not a claim id (like C-7K3Q9XZ2)"


def test_a_nul_character_is_a_422_naming_the_parameter_on_every_engine(hostile: Hostile) -> None:
    with database_unchanged(hostile.engine):
        for url, name in [("/v1/systems/igla%00s", "key"), ("/v1/claims?system=igla%00s", "system"),
                          ("/v1/actors/a%00b", "name"), ("/v1/search?q=igla%00", "q")]:  # fmt: skip
            body = assert_problem(hostile.get(url), 422, "invalid_parameter", name)
            assert body["detail"] == f"{name}: must not contain a NUL character"
