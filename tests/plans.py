"""Query plans of the API's hot requests, kept as expectations so that a lost index fails a test.

Every SQL statement a request runs is captured (`before_cursor_execute`) and explained with
its own parameters on the same engine:

- SQLite: `EXPLAIN QUERY PLAN`, the `detail` lines indented by their parent, volatile
  numbers (autoindex and subquery numbers) replaced by `N`.
- PostgreSQL: `EXPLAIN (FORMAT JSON)` with `enable_seqscan = off` (the seed tables are tiny,
  so the cost-based choice would be a sequential scan everywhere): the names of the indexes
  used and the tables still read sequentially, per request.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from equipment_db.api.app import create_app
from equipment_db.config import get_settings

EXPECTATIONS = Path(__file__).parent / "query_plans"
UPDATE_ENV = "EQUIPMENT_DB_UPDATE_PLANS"
UPDATE_HINT = (
    f"if the change is intended, regenerate with {UPDATE_ENV}=1 .venv/bin/pytest tests/test_query_plans.py"
)
FINGERPRINT_LENGTH = 100
# Tables that grow with the data; reading one of them whole is a lost or missing index.
BIG_TABLES = frozenset({"claim", "citation", "revision", "alias", "source"})


@dataclass(frozen=True)
class HotRequest:
    name: str
    path: str | Callable[[TestClient], str]  # a callable finds its path with an unrecorded request
    status: int = 200


def _second_claims_page(client: TestClient) -> str:
    first = client.get("/v1/claims", params={"system": "igla-s", "country": "VE", "about_from": "2009",
                                             "about_to": "2026", "limit": 2})  # fmt: skip
    assert first.status_code == 200, first.text
    next_url = first.json()["next"]
    assert next_url, "the seed has more than 2 Venezuelan Igla-S claims, so page 1 has a next link"
    return next_url.removeprefix("http://testserver").removeprefix("https://db.example.org")


HOT_REQUESTS = (
    HotRequest("Q1 system by slug", "/v1/systems/igla-s"),
    HotRequest("Q1a system by alias (redirect)", "/v1/systems/SA-24", status=307),
    HotRequest("Q2 compare two systems", "/v1/compare?systems=igla-s,fim-92-stinger"),
    HotRequest(
        "Q3 claims by system, country and period",
        "/v1/claims?system=igla-s&country=VE&about_from=2009&about_to=2026&limit=50",
    ),
    HotRequest("Q3b claims by system, country and period, page 2", _second_claims_page),
    HotRequest("Q4 search one word", "/v1/search?q=grinch"),
    HotRequest("Q4b search two words", "/v1/search?q=igla%20venezuela"),
    HotRequest("Q5 claim detail", "/v1/claims/C-YSESYR2E"),
    HotRequest("Q5b claims by system with citations", "/v1/claims?system=igla-s&limit=50&include=citations"),
    HotRequest("Q6 timeline", "/v1/timeline?system=igla-s&country=VE"),
    HotRequest("Q6b quantities by country and year", "/v1/systems/igla-s/quantities?kind=transfer"),
    HotRequest("Q7 feed of changed claims", "/v1/changes.atom"),
    HotRequest("Q7b feed of a system's changed claims", "/v1/systems/igla-s/changes.atom"),
)


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any

    @property
    def fingerprint(self) -> str:
        """The statement's start, whitespace collapsed, select list and IN lists elided (so that
        statements on one table differ early and a list's length does not matter)."""
        text = " ".join(self.sql.split())
        text = _SELECT_LIST.sub("SELECT … FROM ", text, count=1)
        return _IN_LIST.sub("IN (…)", text)[:FINGERPRINT_LENGTH]


_SELECT_LIST = re.compile(r"^SELECT (?!…).{40,}? FROM ")
_PLACEHOLDER = r"(?:\?|%\(\w+\)s)"
_IN_LIST = re.compile(rf"IN \({_PLACEHOLDER}(?:, {_PLACEHOLDER})*\)")


class Recorder:
    """The queries (SELECT or WITH) run on `engine` while `recording()` is active."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.statements: list[Statement] | None = None
        sa.event.listen(engine, "before_cursor_execute", self._record)

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: object, _cursor: object, sql: str, parameters: Any, *_rest: object) -> None:
        if self.statements is not None and sql.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append(Statement(sql, parameters))

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        self.statements = []
        try:
            yield self.statements
        finally:
            self.statements = None


def capture(engine: sa.Engine) -> dict[str, list[Statement]]:
    """Request name -> the statements that request ran, for every hot request."""
    recorder = Recorder(engine)
    url = engine.url.render_as_string(hide_password=False)
    captured: dict[str, list[Statement]] = {}
    try:
        with TestClient(create_app(get_settings(url=url), engine), follow_redirects=False) as client:
            for request in HOT_REQUESTS:
                path = request.path if isinstance(request.path, str) else request.path(client)
                with recorder.recording() as statements:
                    response = client.get(path)
                assert response.status_code == request.status, (request.name, path, response.text)
                assert statements, f"{request.name}: no query recorded for {path}"
                captured[request.name] = statements
    finally:
        recorder.close()
    return captured


# --- SQLite ---------------------------------------------------------------------------------

_VOLATILE = (
    (re.compile(r"\b(sqlite_autoindex_\w+?)_\d+\b"), r"\1_N"),
    (re.compile(r"\b(SUBQUERY|MATERIALIZE|CO-ROUTINE) \d+\b"), r"\1 N"),
)


def sqlite_plan(connection: sa.Connection, statement: Statement) -> list[str]:
    """The EXPLAIN QUERY PLAN lines, indented two spaces per level."""
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement.sql, statement.parameters).all()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node_id, parent, _unused, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        for pattern, replacement in _VOLATILE:
            detail = pattern.sub(replacement, detail)
        lines.append("  " * depth[node_id] + detail)
    return lines


def sqlite_plans(engine: sa.Engine, captured: dict[str, list[Statement]]) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            name: [{"sql": s.fingerprint, "plan": sqlite_plan(connection, s)} for s in statements]
            for name, statements in captured.items()
        }


# --- PostgreSQL -----------------------------------------------------------------------------


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _walk(child)


def postgres_plan(engine: sa.Engine, statement: Statement) -> list[dict[str, Any]]:
    with engine.connect() as connection, connection.begin() as transaction:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        (explained,) = connection.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) " + statement.sql, statement.parameters
        ).one()
        transaction.rollback()
    return [node for item in explained for node in _walk(item["Plan"])]


# Never-analysed tables are planned with default estimates that favour selective indexes (what a
# big table gets); statistics of the tiny seed tables would favour scanning whole primary keys.
_ANALYSED = (
    "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
    "AND reltuples >= 0 ORDER BY relname"
)


def postgres_plans(
    engine: sa.Engine, captured: dict[str, list[Statement]]
) -> dict[str, dict[str, list[str]]]:
    """Request name -> {"indexes": names used, "seq_scans": tables read whole}."""
    with engine.connect() as connection:
        analysed = connection.exec_driver_sql(_ANALYSED).scalars().all()
    assert not analysed, (
        f"tables {analysed} have planner statistics (autovacuum analysed the template?): the plans "
        "below assume the default estimates of never-analysed tables"
    )
    found = {}
    for name, statements in captured.items():
        nodes = [node for s in statements for node in postgres_plan(engine, s)]
        found[name] = {
            "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
            "seq_scans": sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"}),
        }
    return found


def plans_for(engine: sa.Engine) -> dict[str, Any]:
    """The plans of every hot request on `engine`, as kept in the expectation file."""
    captured = capture(engine)
    return (
        sqlite_plans(engine, captured)
        if engine.dialect.name == "sqlite"
        else postgres_plans(engine, captured)
    )


_FULL_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?(?P<rest>.*)$")  # not SEARCH, not ... USING INDEX


def full_scans(plans: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(request, table, what the plan says) for every read of a whole big table, on either engine."""
    found = set()
    for name, plan in plans.items():
        if isinstance(plan, dict):  # PostgreSQL
            found |= {
                (name, table, f"Seq Scan on {table}") for table in plan["seq_scans"] if table in BIG_TABLES
            }
            continue
        for line in (line.strip() for statement in plan for line in statement["plan"]):
            match = _FULL_SCAN.match(line)
            if match and match[1] in BIG_TABLES and "INDEX" not in match["rest"]:
                found.add((name, match[1], line))
    return found


# --- expectations ---------------------------------------------------------------------------


def expectation_file(engine_name: str) -> Path:
    return EXPECTATIONS / f"{engine_name}.json"


def load(engine_name: str) -> dict[str, Any]:
    path = expectation_file(engine_name)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def dump(plans: dict[str, Any]) -> str:
    return json.dumps(plans, indent=2, ensure_ascii=False) + "\n"


def save(engine_name: str, plans: dict[str, Any]) -> bool:
    """Write the expectation file; False when it already said the same."""
    path = expectation_file(engine_name)
    text = dump(plans)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _render(value: Any) -> list[str]:
    if isinstance(value, list):  # SQLite: statements with their plans
        return [line for s in value for line in (s["sql"], *("    " + p for p in s["plan"]))]
    if isinstance(value, dict):  # PostgreSQL: indexes and sequential scans
        return [f"{key}: {item}" for key, items in value.items() for item in items]
    return []


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, str]:
    """Request name -> a unified diff of its expected and actual plans, for requests that differ."""
    found = {}
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            found[name] = f"{name}: expected, but no longer a hot request"
        elif name not in expected:
            found[name] = f"{name}: no expectation recorded"
        elif expected[name] != actual[name]:
            diff = difflib.unified_diff(_render(expected[name]), _render(actual[name]), "expected", "actual",
                                        lineterm="")  # fmt: skip
            found[name] = f"{name}:\n" + "\n".join(diff)
    return found
