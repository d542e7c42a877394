"""Benchmark the read API side by side with a bare FastAPI app, Datasette and raw SQL, in one run.

    .venv/bin/python bench/run.py --db sqlite:////tmp/bench/s.sqlite3 [--duration 10]

Every server runs alone, pinned to core 0 (`taskset -c 0`), under uvicorn with one worker;
the load generator (wrk, or `--python-client`) is pinned to core 1. Per query it measures
p50/p99 at concurrency 1 and the rate at concurrency 16 (a run whose server core was below
85% busy is repeated up to twice, then marked unsaturated), times the SQL the API runs for
the same request with plain sqlite3/psycopg, imports extra claims through
`bench/generate.py --delta N` while a mixed read load runs, and prints one table with the
ratios R1-R6 against their targets. The full result goes to `bench/results/*.json`.
bench/README.md explains the queries, the ratios and the JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import importlib.util
import json
import math
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "lua" / "report.lua"
DATASETTE = BENCH / ".venv-datasette" / "bin" / "datasette"
SERVER_CORE, CLIENT_CORE = "0", "1"
SATURATED = 0.85  # server CPU seconds / wall seconds for a c=16 run to count
RETRIES = 2
SQL_REPS = 200
SQL_BUDGET_S = 10  # fewer repetitions of a slow request's SQL (at least 20)
PAGES = 200  # Q3's deep page
Q8_CONNECTIONS = 4
Q8_WINDOW_S = 1.0
IMPORT_CLAIMS = {"tiny": 500}  # Q7's size by scale; any other scale imports 100,000
REQUEST_TIMEOUT_S = 10


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Queries


@dataclass
class Query:
    id: str
    title: str
    path: str  # API path with query string
    status: int = 200  # the correct answer
    datasette: str | None = None  # the equivalent Datasette request, None: n/a
    datasette_note: str | None = None
    note: str | None = None
    accept: str | None = None  # an Accept header: text/html asks for the entry page


def load_probes(manifest: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest bench/generate.py writes beside the database, and its probes."""
    data = json.loads(manifest.read_text(encoding="utf-8"))
    probes = dict(data.get("probes", data))
    missing = [key for key in PROBE_KEYS if key not in probes]
    if missing:
        raise SystemExit(f"{manifest}: probes lack {', '.join(missing)} (see bench/README.md)")
    return data, probes


# What bench/run.py reads from the manifest's "probes" (bench/generate.py chooses them).
PROBE_KEYS = ("system", "alias", "compare", "country", "country_about_from", "country_about_to",
              "claim_3_citations", "rare_word", "common_word", "phrase")  # fmt: skip


def api_queries(p: dict[str, Any]) -> list[Query]:
    claims = {"system": p["system"], "country": p["country"], "about_from": p["country_about_from"],
              "about_to": p["country_about_to"], "limit": 50}  # fmt: skip
    return [
        Query("Q1", "system by slug", f"/v1/systems/{quote(p['system'], safe='')}"),
        Query("Q1a", "system by alias (307)", f"/v1/systems/{quote(p['alias'], safe='')}", status=307),
        Query("Q2-2", "compare 2 systems", "/v1/compare?" + urlencode({"systems": ",".join(p["compare"][:2])})),
        Query("Q2-5", "compare 5 systems", "/v1/compare?" + urlencode({"systems": ",".join(p["compare"][:5])})),
        Query("Q3-p1", "claims: system+country+dates, page 1", "/v1/claims?" + urlencode(claims)),
        Query("Q3-p200", f"claims: the same, page {PAGES}", ""),  # found by following `next`
        Query("Q4-rare", "search: rare word", "/v1/search?" + urlencode({"q": p["rare_word"]})),
        Query("Q4-common", "search: common word", "/v1/search?" + urlencode({"q": p["common_word"]})),
        Query("Q4-multi", "search: several words", "/v1/search?" + urlencode({"q": p["phrase"]})),
        Query("Q5-one", "one claim with citations", f"/v1/claims/{quote(p['claim_3_citations'], safe='')}"),
        Query("Q5-page", "50 claims with citations",
              "/v1/claims?" + urlencode({"system": p["system"], "limit": 50, "include": "citations"})),
        Query("Q6", "quantities by country and year", f"/v1/systems/{quote(p['system'], safe='')}/quantities"),
        Query("Q6-timeline", "quantity claims: system+country (timeline)",
              "/v1/timeline?" + urlencode({"system": p["system"], "country": p["country"]})),
        Query("P1", "system page (HTML of Q1)", f"/v1/systems/{quote(p['system'], safe='')}", accept=HTML),
        Query("P5", "claim page (HTML of Q5-one)", f"/v1/claims/{quote(p['claim_3_citations'], safe='')}",
              accept=HTML),
    ]  # fmt: skip


HTML = "text/html"
PAGE_OF = {"P1": "Q1", "P5": "Q5-one"}  # an entry page and the JSON of the same entry


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---------------------------------------------------------------------------------------------
# The API in-process: the page-200 URL and the SQL each request runs


def inspect_api(url: str, queries: list[Query]) -> dict[str, list[tuple[str, Any]]]:
    """Run every request once through the app in-process; return the statements it ran.

    Also fills in Q3's deep page by following `next` PAGES - 1 times."""
    import warnings

    import sqlalchemy as sa

    with warnings.catch_warnings():  # "Using httpx with starlette.testclient is deprecated": nothing to do
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from equipment_db.api.app import create_app
    from equipment_db.config import get_settings
    from equipment_db.database import create_db_engine

    settings = get_settings(url=url)
    engine = create_db_engine(settings)
    seen: list[tuple[str, Any]] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    by_id = {q.id: q for q in queries}
    captured: dict[str, list[tuple[str, Any]]] = {}
    with TestClient(create_app(settings, engine), follow_redirects=False) as client:
        deep, page = by_id["Q3-p1"].path, 1
        while page < PAGES:
            following = client.get(deep).json().get("next")
            if not following:
                break
            deep, page = path_of(following), page + 1
        by_id["Q3-p200"].path = deep
        if page < PAGES:
            by_id["Q3-p200"].note = f"{page} page{'s' * (page > 1)} in all: the last is measured"
            by_id["Q3-p200"].title = f"claims: the same, page {page} (last)"
        for q in queries:
            headers = {"accept": q.accept} if q.accept else {}
            client.get(q.path, headers=headers)  # first use: connections, statement caches
            seen.clear()
            answer = client.get(q.path, headers=headers)
            if answer.status_code != q.status:
                raise SystemExit(f"{q.id}: GET {q.path} answered {answer.status_code}, expected {q.status}: "
                                 f"{answer.text[:500]}")  # fmt: skip
            captured[q.id] = list(seen)
    engine.dispose()
    return captured


def plain_pg_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def sqlite_file(url: str) -> Path:
    from equipment_db.database import sqlite_path

    path = sqlite_path(url)
    if path is None:
        raise SystemExit(f"not a SQLite file URL: {url}")
    return path


def time_raw_sql(url: str, statements: list[tuple[str, Any]], reps: int = SQL_REPS) -> dict[str, Any]:
    """p50 of the request's whole statement sequence, replayed with the plain driver: `reps`
    times, or as many (at least 20) as fit in SQL_BUDGET_S."""
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(sqlite_file(url), isolation_level=None)

        def run() -> None:
            for statement, params in statements:
                conn.execute(statement, params or ()).fetchall()
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    else:
        import psycopg

        conn = psycopg.connect(plain_pg_url(url))

        def run() -> None:
            with conn.cursor() as cur:
                for statement, params in statements:
                    cur.execute(statement, params)
                    if cur.description:
                        cur.fetchall()
            conn.rollback()

    try:
        for _ in range(5):
            run()
        times: list[float] = []
        budget = time.perf_counter() + SQL_BUDGET_S
        while len(times) < reps and (len(times) < 20 or time.perf_counter() < budget):
            started = time.perf_counter_ns()
            run()
            times.append((time.perf_counter_ns() - started) / 1000)
    finally:
        conn.close()
    return {"statements": len(statements), "reps": len(times), "p50_us": round(statistics.median(times), 1),
            "sql": [s for s, _ in statements]}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Load generation: wrk, or the Python client below; both report a latency histogram


@dataclass
class Load:
    requests: int
    duration_s: float
    errors: dict[str, int]
    histogram: list[list[int]]  # [latency µs, count]

    @classmethod
    def merge(cls, loads: list[Load]) -> Load:
        counts: Counter[int] = Counter()
        errors: Counter[str] = Counter()
        for load in loads:
            counts.update({value: count for value, count in load.histogram})
            errors.update(load.errors)
        return cls(sum(x.requests for x in loads), sum(x.duration_s for x in loads), dict(errors),
                   [[v, c] for v, c in sorted(counts.items())])  # fmt: skip

    def percentile(self, p: float) -> int | None:
        total = sum(count for _, count in self.histogram)
        if not total:
            return None
        rank, seen = max(1, math.ceil(p / 100 * total)), 0
        for value, count in self.histogram:
            seen += count
            if seen >= rank:
                return value
        return self.histogram[-1][0]

    def summary(self) -> dict[str, Any]:
        return {"requests": self.requests, "duration_s": round(self.duration_s, 3),
                "rps": round(self.requests / self.duration_s, 1) if self.duration_s else 0.0,
                "p50_us": self.percentile(50), "p99_us": self.percentile(99), "errors": self.errors,
                "error_total": sum(self.errors.values())}  # fmt: skip


def drive(base: str, paths: list[str], connections: int, duration: float, python_client: bool,
          accept: str | None = None) -> Load:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        out, listing = Path(tmp) / "out.json", Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        env = dict(os.environ)
        if python_client:
            cmd = [sys.executable, str(Path(__file__).resolve()), "client", base, "--paths", str(listing),
                   "--connections", str(connections), "--duration", str(duration), "--out", str(out),
                   *(["--accept", accept] if accept else [])]  # fmt: skip
        else:
            threads = 1 if connections == 1 else 2
            cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   "--timeout", f"{REQUEST_TIMEOUT_S}s", "-s", str(LUA), *(["-H", f"Accept: {accept}"] if accept else []),
                   base + paths[0]]  # fmt: skip
            env["BENCH_WRK_OUT"] = str(out)
            if len(paths) > 1:
                env["BENCH_WRK_PATHS"] = str(listing)
        done = subprocess.run(["taskset", "-c", CLIENT_CORE, *cmd], env=env, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            raise SystemExit(
                f"load generator failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}"
            )
        data = json.loads(out.read_text(encoding="utf-8"))
    return Load(data["requests"], data["duration_us"] / 1e6, data["errors"], data["histogram"])


def cpu_seconds(pid: int) -> float:
    """utime + stime of the whole process (every thread), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int) -> int | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


# ---------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uvicorn_options() -> list[str]:
    """The same for the API and the bare app; uvloop only when installed. The protocol is the
    one `serve` runs (httptools with the limits of equipment_db/api/server.py), for both."""
    options = ["--workers", "1", "--no-access-log", "--log-level", "warning",
               "--http", "equipment_db.api.server:GuardedHttpTools", "--limit-concurrency", "1000"]  # fmt: skip
    if importlib.util.find_spec("uvloop"):
        options += ["--loop", "uvloop"]
    return options


class Server:
    """One server process pinned to the server core, started and stopped around a block."""

    def __init__(self, name: str, cmd: list[str], ready: str, env: dict[str, str] | None = None) -> None:
        self.name, self.cmd, self.ready, self.env = name, cmd, ready, env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cmd = [part.replace("{port}", str(self.port)) for part in cmd]
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(["taskset", "-c", SERVER_CORE, *self.cmd], env={**os.environ, **(self.env or {})},
                                     stdout=self.log, stderr=subprocess.STDOUT)  # fmt: skip
        self.pid = self.proc.pid  # taskset execs the server in place
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited at start:\n{Path(self.log.name).read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if self.get(self.ready)[0] == 200:
                    return self
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not answer {self.ready} within 60 s")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def get(self, path: str, accept: str | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Accept": accept} if accept else {})
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()

    def check(self, path: str, status: int = 200, warm: int = 3, accept: str | None = None) -> bytes:
        """Warm the path up and check its answer before it is measured."""
        body = b""
        for _ in range(warm):
            got, body = self.get(path, accept)
            if got != status:
                raise SystemExit(f"{self.name}: GET {path} answered {got}, expected {status}: {body[:500]!r}")
            if accept == HTML and not body.lstrip()[:15].lower().startswith(b"<!doctype html"):
                raise SystemExit(f"{self.name}: GET {path} with Accept: {accept} answered no page: {body[:200]!r}")
        return body

    def measure(
        self, paths: list[str], connections: int, duration: float, python_client: bool, accept: str | None = None
    ) -> dict[str, Any]:
        """One load run; at concurrency > 1 the server core must be saturated (else retried)."""
        attempts = 0
        while True:
            attempts += 1
            before = cpu_seconds(self.pid)
            load = drive(self.base, paths, connections, duration, python_client, accept)
            busy = (cpu_seconds(self.pid) - before) / load.duration_s if load.duration_s else 0.0
            self.settle()
            saturated = busy >= SATURATED
            if connections == 1 or saturated or attempts > RETRIES:
                break
            log(f"  {self.name} core {busy:.0%} busy at c={connections} (< {SATURATED:.0%}); again")
        result = load.summary() | {"server_cpu": round(busy, 3), "attempts": attempts}
        if connections > 1:
            result["saturated"] = saturated
        return result

    def settle(self, limit_s: float = 300) -> None:
        """Wait until the server has finished what the load generator left in flight (requests
        slower than the run go on after it stops) so that it does not weigh on the next run."""
        deadline = time.monotonic() + limit_s
        last = cpu_seconds(self.pid)
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = cpu_seconds(self.pid)
            if now - last < 0.015:  # under 15% of a core: idle but for the clock tick
                return
            last = now
        log(f"  {self.name} still busy {limit_s:.0f} s after the load stopped")

    def both(self, path: str, duration: float, python_client: bool, accept: str | None = None) -> dict[str, Any]:
        return {"c1": self.measure([path], 1, duration, python_client, accept),
                "c16": self.measure([path], 16, duration, python_client, accept)}  # fmt: skip


def api_server(url: str) -> Server:
    return Server("api", [sys.executable, "-m", "uvicorn", "equipment_db.api.asgi:app", "--host", "127.0.0.1",
                          "--port", "{port}", *uvicorn_options()], "/health",
                  # a search queue deeper than the load's concurrency (16): the figures are of
                  # searches answered, not of the lane refusing a flood (503, as it should)
                  {"EQUIPMENT_DB_URL": url, "EQUIPMENT_DB_SEARCH_QUEUE": "64"})  # fmt: skip


def bare_server() -> Server:
    return Server("bare", [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(BENCH), "--host",
                           "127.0.0.1", "--port", "{port}", *uvicorn_options()], "/constant")  # fmt: skip


def datasette_server(path: Path) -> Server:
    return Server("datasette", [str(DATASETTE), "serve", "-i", str(path), "--host", "127.0.0.1", "--port", "{port}",
                                *DATASETTE_SETTINGS], "/-/versions.json")  # fmt: skip


# Datasette's limits raised so that it answers in full what the API answers; no count or
# facet suggestions, which the API does not compute either.
DATASETTE_SETTINGS = ["--setting", "sql_time_limit_ms", "5000", "--setting", "max_returned_rows", "100000",
                      "--setting", "suggest_facets", "off", "--setting", "num_sql_threads", "3"]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Datasette's equivalents (SQLite only)

_CLAIM_CITATIONS = """SELECT c.*, ci.quote, ci.locator, ci.role, s.public_id AS source, s.publisher, s.title, s.url
FROM {claims} AS c LEFT JOIN citation AS ci ON ci.claim_id = c.id AND ci.retracted_at IS NULL
LEFT JOIN source AS s ON s.id = ci.source_id ORDER BY c.id, ci.id"""
_ALIAS = """SELECT s.slug FROM alias AS a JOIN system AS s ON s.id = a.system_id
WHERE a.name_key = :key AND a.retracted_at IS NULL"""
_QUANTITIES = """SELECT country, year, kind, counted, n, low, high FROM quantity_tally
WHERE system_id = :system AND n > 0 ORDER BY country, year, kind, counted"""
_TIMELINE = """SELECT c.public_id, c.kind, c.value_low, c.value_high, c.qualifier, c.counted, c.scope,
  c.about_start, c.about_end, c.stated_on, a.name AS claimant, s.public_id AS source, s.publisher,
  s.published_on
FROM claim AS c LEFT JOIN actor AS a ON a.id = c.claimant_id
LEFT JOIN citation AS ci ON ci.claim_id = c.id AND ci.retracted_at IS NULL
LEFT JOIN source AS s ON s.id = ci.source_id
WHERE c.system_id = :system AND c.country = :country AND c.kind IN ({kinds})
  AND (c.value_low IS NOT NULL OR c.value_high IS NOT NULL OR c.qualifier = 'unspecified')
  AND c.rank != 'deprecated' AND c.retracted_at IS NULL
ORDER BY c.id, ci.id"""


def add_datasette(queries: list[Query], db_name: str, path: Path, probes: dict[str, Any]) -> None:
    from equipment_db.claims.rules import QUANTITY_KINDS
    from equipment_db.normalize.dates import parse_partial_date
    from equipment_db.normalize.names import name_key
    from equipment_db.search import queries as search_queries

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    system_id = conn.execute("SELECT id FROM system WHERE slug = ?", (probes["system"],)).fetchone()[0]
    conn.close()

    def sql(statement: str, **params: Any) -> str:
        return f"/{db_name}.json?" + urlencode({"sql": statement, **params, "_shape": "array"})

    live = "rank != 'deprecated' AND retracted_at IS NULL"
    fts = search_queries._SQLITE.replace(":offsets", "(1, 2, 3)")  # every type (ROWID_OFFSET)
    # the measured queries, and throwaway ones for those left out (--leave-out)
    by_id = {q.id: q for q in api_queries(probes)} | {q.id: q for q in queries}
    by_id["Q1"].datasette = f"/{db_name}/system.json?" + urlencode({"slug": probes["system"], "_shape": "array",
                                                                    "_nocount": 1})  # fmt: skip
    by_id["Q1"].datasette_note = "the system row only (the API adds aliases, values, target types, counts)"
    by_id["Q1a"].datasette = sql(_ALIAS, key=name_key(probes["alias"]))
    by_id["Q1a"].datasette_note = "the slug for the alias (the API answers 307 to it)"
    for q in ("Q2-2", "Q2-5"):
        by_id[q].datasette_note = "n/a: no equivalent of the side-by-side specification values"
    by_id["Q3-p1"].datasette = f"/{db_name}/claim.json?" + urlencode({
        "system_id": system_id, "country": probes["country"],
        "about_end__gte": parse_partial_date(probes["country_about_from"], field="about_from").start.isoformat(),
        "about_start__lte": parse_partial_date(probes["country_about_to"], field="about_to").end.isoformat(),
        "rank__not": "deprecated", "retracted_at__isnull": 1, "_sort": "id", "_size": 50, "_nocount": 1,
    })  # fmt: skip
    for q, words in (("Q4-rare", "rare_word"), ("Q4-common", "common_word"), ("Q4-multi", "phrase")):
        found = search_queries.search_words(probes[words])
        by_id[q].datasette = sql(fts, match=search_queries.fts5_query(found), limit=20,
                                 exact=search_queries.fts5_query(found, prefix=False),
                                 candidates=search_queries.CANDIDATES)  # fmt: skip
        by_id[q].datasette_note = "the API's FTS5 statement as a canned ?sql= query"
    one = "(SELECT * FROM claim WHERE public_id = :claim)"
    by_id["Q5-one"].datasette = sql(_CLAIM_CITATIONS.format(claims=one), claim=probes["claim_3_citations"])
    page = f"(SELECT * FROM claim WHERE system_id = :system AND {live} ORDER BY id LIMIT 50)"
    by_id["Q5-page"].datasette = sql(_CLAIM_CITATIONS.format(claims=page), system=system_id)
    by_id["Q6"].datasette = sql(_QUANTITIES, system=system_id)
    by_id["Q6"].datasette_note = "the API's statement on quantity_tally as a canned ?sql= query"
    kinds = ", ".join(f"'{k.value}'" for k in sorted(QUANTITY_KINDS))
    by_id["Q6-timeline"].datasette = sql(_TIMELINE.format(kinds=kinds), system=system_id,
                                         country=probes["country"])  # fmt: skip
    by_id[
        "Q6-timeline"
    ].datasette_note = "the claims with claimant and sources (no grouping or contradictions)"


def datasette_deep_page(server: Server, first: str, pages: int) -> str:
    path, page = first, 1
    while page < pages:
        following = json.loads(server.get(path)[1]).get("next_url")
        if not following:
            break
        path, page = path_of(following), page + 1
    return path


def datasette_version() -> str | None:
    if not DATASETTE.exists():
        return None
    done = subprocess.run([str(DATASETTE), "--version"], capture_output=True, text=True)
    return done.stdout.strip() or None


# ---------------------------------------------------------------------------------------------
# Q7 import and R4's raw baseline

NEW_ROW_TABLES = ("claim", "citation", "revision")
SQLITE_PRAGMAS = ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL")  # as the app connects


def connect(url: str) -> Any:
    if url.startswith("sqlite"):
        return sqlite3.connect(sqlite_file(url), isolation_level=None)
    import psycopg

    return psycopg.connect(plain_pg_url(url), autocommit=True)


def max_ids(url: str) -> dict[str, int]:
    conn = connect(url)
    try:
        return {
            t: conn.execute(f"SELECT coalesce(max(id), 0) FROM {t}").fetchone()[0] for t in NEW_ROW_TABLES
        }
    finally:
        conn.close()


def database_facts(url: str) -> dict[str, Any]:
    conn = connect(url)
    try:
        claims = conn.execute("SELECT count(*) FROM claim").fetchone()[0]
        if url.startswith("sqlite"):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = sqlite_file(url).stat().st_size
        else:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    finally:
        conn.close()
    return {"claims": claims, "size_bytes": size}


@contextlib.contextmanager
def database_copy(url: str) -> Iterator[str]:
    """A copy of the database as it is now (SQLite backup API; PostgreSQL TEMPLATE)."""
    if url.startswith("sqlite"):
        target = sqlite_file(url).with_name(sqlite_file(url).name + ".r4-copy")
        source, copy = sqlite3.connect(sqlite_file(url)), sqlite3.connect(target)
        source.backup(copy)
        source.close()
        copy.close()
        try:
            yield f"sqlite:///{target}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin_url = plain_pg_url(str(make_url(url).set(database="postgres")))
    copy_name = f"{name}_r4copy"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{copy_name}"')
        admin.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{name}"')
    try:
        yield str(make_url(url).set(database=copy_name).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')


def raw_insert(url: str, copy_url: str, before: dict[str, int], batch: int) -> dict[str, Any]:
    """The rows Q7 wrote (id above the maxima before it), inserted into the copy with plain
    executemany in one transaction, `batch` rows a call; the search triggers deferred as the
    importer defers them (its set-based rebuild of the documents is not repeated)."""
    source = connect(url)
    tables = {}
    for table in NEW_ROW_TABLES:
        cur = source.execute(f"SELECT * FROM {table} WHERE id > {before[table]} ORDER BY id")
        tables[table] = ([d[0] for d in cur.description], cur.fetchall())
    source.close()
    sqlite = url.startswith("sqlite")
    if not sqlite:
        from psycopg.types.json import Json

        for table, (columns, rows) in tables.items():
            tables[table] = (columns, [tuple(Json(v) if isinstance(v, dict | list) else v for v in row)
                                       for row in rows])  # fmt: skip
    target = connect(copy_url)
    if sqlite:
        for pragma in SQLITE_PRAGMAS:
            target.execute(f"PRAGMA {pragma}")
    mark = "?" if sqlite else "%s"
    defer = _has_table(target, "search_defer", sqlite)
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE" if sqlite else "BEGIN")
    cur = target.cursor()
    if defer:
        cur.execute("INSERT INTO search_defer (id) VALUES (1)")
    for table, (columns, rows) in tables.items():
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
        for start in range(0, len(rows), batch):
            cur.executemany(statement, rows[start : start + batch])
    if defer:
        cur.execute("DELETE FROM search_defer")
    target.execute("COMMIT")
    seconds = time.perf_counter() - started
    target.close()
    rows = sum(len(r) for _, r in tables.values())
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds, 1) if seconds else None,
            "batch": batch, "search_triggers": "deferred" if defer else "fired"}  # fmt: skip


def _has_table(conn: Any, name: str, sqlite: bool) -> bool:
    query = ("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?" if sqlite
             else "SELECT 1 FROM information_schema.tables WHERE table_name = %s")  # fmt: skip
    return conn.execute(query, (name,)).fetchone() is not None


def import_batch() -> int:
    from equipment_db.exchange import importer

    return int(getattr(importer, "BATCH", 2000))


def load_generator(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Importer:
    """Q7. The delta file is written first (`generate.py --delta N --write-only`, not timed);
    then generate.py's own `import_file` runs `equipment-db import` on it (timed, peak RSS
    from wait4) in a thread pinned to the client core, whose affinity the importer process
    inherits, so that the mixed reads of Q8 run while exactly the import runs."""

    def __init__(
        self, generator: Path, url: str, manifest: dict[str, Any], claims: int, workdir: Path
    ) -> None:
        self.gen, self.url = load_generator(generator), url
        size, seed = manifest["size"], manifest["seed"]
        self.batch = self._free_batch(self.gen.Layout(self.gen.Size(**size), seed))
        written = workdir / "delta.manifest.json"
        cmd = [sys.executable, str(generator), "--scale", manifest["scale"], "--seed", str(seed),
               "--claims", str(size["claims"]), "--sources", str(size["sources"]), "--systems", str(size["systems"]),
               "--actors", str(size["actors"]), "--delta", str(claims), "--delta-batch", str(self.batch),
               "--write-only", "--workdir", str(workdir), "--manifest", str(written)]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(
                f"writing the delta failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}"
            )
        self.path = Path(json.loads(written.read_text(encoding="utf-8"))["file"])
        self.report: dict[str, Any] | None = None
        self.error: BaseException | None = None

    def _free_batch(self, layout: Any) -> int:
        """The first delta batch none of whose claims is in the database (earlier runs took some)."""
        conn = connect(self.url)
        mark = "?" if self.url.startswith("sqlite") else "%s"
        try:
            for batch in range(1, 128):
                first = layout.claim_id(self.gen.DELTA_IDS + batch * (1 << 32))
                if conn.execute(f"SELECT 1 FROM claim WHERE public_id = {mark}", (first,)).fetchone() is None:
                    return batch
        finally:
            conn.close()
        raise SystemExit("every delta batch is in the database already: build it again with generate.py")

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="import", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        os.sched_setaffinity(0, {int(CLIENT_CORE)})  # this thread only; the import process inherits it
        try:
            self.report = self.gen.import_file(self.url, self.path)
        except BaseException as exc:  # run_cli raises SystemExit with the importer's stderr
            self.error = exc

    def running(self) -> bool:
        return self.thread.is_alive()

    def wait(self) -> dict[str, Any] | None:
        """The generator's report of the import; None when it failed (`self.error` says why)."""
        self.thread.join()
        self.path.unlink(missing_ok=True)
        return self.report if self.error is None else None


# ---------------------------------------------------------------------------------------------
# Ratios and their targets


def ratio(a: float | None, b: float | None, digits: int = 2) -> float | None:
    return round(a / b, digits) if a is not None and b else None


def target(value: float | None, op: str, limit: float, note: str | None = None) -> dict[str, Any]:
    passed = None if value is None else (value >= limit if op == ">=" else value <= limit)
    return {"value": value, "target": f"{op} {limit:g}", "pass": passed} | ({"note": note} if note else {})


# The goals of "Speed to the floor of the stack" (bench/README.md, Ratios and targets).
R1_TARGETS = {"Q5-one": 0.35}
R2_TARGETS = {q: 1.5 for q in ("Q1a", "Q3-p1", "Q3-p200", "Q4-rare", "Q5-one", "Q5-page")}  # any other: 1
R3_LIMITS_US = {"Q1a": 400, "Q3-p1": 400, "Q3-p200": 400, "Q4-rare": 400, "Q5-one": 400, "Q1": 1000,
                "Q5-page": 1000, "Q2-2": 2000, "Q2-5": 2000}  # fmt: skip
P50_LIMITS_US = {"Q6": {"S": 10_000, "M": 25_000}, "Q6-timeline": {"S": 10_000, "M": 25_000},
                 "Q4-common": {"S": 30_000, "M": 100_000}}  # by scale  # fmt: skip
PAGE_LIMIT = 1.5  # an entry page's p50 over its JSON's
RSS_LIMIT_MIB = {"M": 150}  # the API's peak RSS, by scale


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    queries, bare = result["queries"], result["bare"]["c16"]
    out: dict[str, Any] = {"R1": {}, "R2": {}, "R3": {}, "P50": {}, "pages": {}}
    scale = result.get("scale")
    for qid, q in queries.items():
        if "api" not in q:
            continue
        p50 = q["api"]["c1"]["p50_us"]
        limit = P50_LIMITS_US.get(qid, {}).get(scale)
        out["P50"][qid] = target(p50, "<=", limit) if limit and p50 is not None else {"value": p50}
        if qid in PAGE_OF and PAGE_OF[qid] in queries:
            json_p50 = queries[PAGE_OF[qid]]["api"]["c1"]["p50_us"]
            out["pages"][qid] = target(ratio(p50, json_p50), "<=", PAGE_LIMIT, f"over {PAGE_OF[qid]}")
        api16 = q["api"]["c16"]
        unsat = "unsaturated" if not (api16.get("saturated") and bare.get("saturated")) else None
        value = ratio(api16["rps"], bare["rps"])
        out["R1"][qid] = (
            target(value, ">=", R1_TARGETS[qid], unsat) if qid in R1_TARGETS else {"value": value}
        )
        if q.get("datasette"):
            ds16 = q["datasette"]["c16"]
            unsat2 = "unsaturated" if not (api16.get("saturated") and ds16.get("saturated")) else None
            out["R2"][qid] = target(ratio(api16["rps"], ds16["rps"]), ">=", R2_TARGETS.get(qid, 1.0), unsat2)
        if q.get("raw_sql") and q["api"]["c1"]["p50_us"] is not None:
            gap = round(q["api"]["c1"]["p50_us"] - q["raw_sql"]["p50_us"], 1)
            out["R3"][qid] = target(gap, "<=", R3_LIMITS_US[qid]) if qid in R3_LIMITS_US else {"value": gap}
    rss = result.get("api_peak_rss_kb")
    mib = round(rss / 1024, 1) if rss else None
    out["memory"] = target(mib, "<=", RSS_LIMIT_MIB[scale]) if scale in RSS_LIMIT_MIB and mib else {"value": mib}
    deep = ratio(queries["Q3-p200"]["api"]["c1"]["p50_us"], queries["Q3-p1"]["api"]["c1"]["p50_us"])
    out["R5"] = target(deep, "<=", 2, queries["Q3-p200"].get("note"))
    q7, q8 = queries.get("Q7"), queries.get("Q8")
    if q7 and q7.get("raw"):
        out["R4"] = target(ratio(q7["rows_per_s"], q7["raw"]["rows_per_s"]), ">=", 0.5)
    else:
        out["R4"] = {"value": None, "target": ">= 0.5", "pass": None, "note": "not measured"}
    if q8:
        r6 = ratio(q8["during"]["p99_us"], q8["without"]["p99_us"])
        errors = q8["during"]["error_total"] + q8["without"]["error_total"]
        out["R6"] = target(r6, "<=", 3) | {"read_errors": errors}
        if errors:
            out["R6"]["pass"] = False
    else:
        out["R6"] = {"value": None, "target": "<= 3, 0 read errors", "pass": None, "note": "not measured"}
    return out


# ---------------------------------------------------------------------------------------------
# The table


def us(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1000:
        return f"{value:.0f}µs"
    return f"{value / 1000:.2f}ms" if value < 1e6 else f"{value / 1e6:.2f}s"


def num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(result: dict[str, Any]) -> str:
    db, q, r = result["database"], result["queries"], result["ratios"]
    lines = [
        f"equipment-db benchmark  scale={result['scale']}  engine={db['engine']}  claims={db['claims']:,}  "
        f"db={db['size_bytes'] / 1e6:.1f} MB  client={result['client']}  duration={result['duration_s']}s  "
        f"uvicorn {' '.join(result['uvicorn_options'])}",
        "",
        f"{'query':<12}{'API p50':>9}{'API p99':>9}{'API r/s':>9}{'sat':>4} {'DS p50':>8}{'DS p99':>9}"
        f"{'DS r/s':>9}{'sat':>4} {'raw SQL':>8}{'R1':>6}{'R2':>6}{'R3':>9}  title",
    ]
    for qid, item in q.items():
        if "api" not in item:
            continue
        api, ds, raw = item["api"], item.get("datasette"), item.get("raw_sql")
        sat = "y" if api["c16"].get("saturated") else "N"
        ds_cols = f"{'n/a':>8}{'':>9}{'':>9}{'':>4}"
        if ds:
            ds_cols = (f"{us(ds['c1']['p50_us']):>8}{us(ds['c1']['p99_us']):>9}{num(ds['c16']['rps'], 0):>9}"
                       f"{'y' if ds['c16'].get('saturated') else 'N':>4}")  # fmt: skip
        lines.append(
            f"{qid:<12}{us(api['c1']['p50_us']):>9}{us(api['c1']['p99_us']):>9}{num(api['c16']['rps'], 0):>9}"
            f"{sat:>4} {ds_cols} {us(raw['p50_us']) if raw else '-':>8}"
            f"{num(r['R1'].get(qid, {}).get('value')):>6}{num(r['R2'].get(qid, {}).get('value')):>6}"
            f"{num(r['R3'].get(qid, {}).get('value'), 0):>9}  {item['title']}"
        )
    if result.get("left_out"):
        lines.append(f"left out (--leave-out): {', '.join(result['left_out'])}")
    bare = result["bare"]
    lines += ["", f"bare /constant: p50 {us(bare['c1']['p50_us'])}  p99 {us(bare['c1']['p99_us'])}  "
                  f"{num(bare['c16']['rps'], 0)} req/s at c=16 (saturated: {bare['c16'].get('saturated')})"]  # fmt: skip
    if result.get("api_peak_rss_kb"):
        lines.append(f"API peak RSS (VmHWM): {result['api_peak_rss_kb'] / 1024:.1f} MiB")
    q7, q8 = q.get("Q7"), q.get("Q8")
    if q7 and "error" in q7:
        lines.append(f"Q7 import FAILED: {q7['error'].splitlines()[-1] if q7['error'] else ''}")
    elif q7:
        raw = q7.get("raw") or {}
        lines.append(
            f"Q7 import: {q7['claims']:,} claims, {q7['rows']:,} rows in {q7['seconds']:.2f}s = "
            f"{num(q7['rows_per_s'], 0)} rows/s ({num(q7['claims_per_s'], 0)} claims/s), importer peak RSS "
            f"{q7['importer_peak_rss_kb'] / 1024:.1f} MiB; raw executemany {num(raw.get('rows_per_s'), 0)} rows/s"
        )
    if q8:
        lines.append(
            f"Q8 mixed reads (c={q8['connections']}): p99 without import {us(q8['without']['p99_us'])}, during "
            f"{us(q8['during']['p99_us'])}; errors without {q8['without']['error_total']}, during "
            f"{q8['during']['error_total']}"
        )
    if db.get("size_bytes_after_import"):
        lines.append(f"database after import: {db['size_bytes_after_import'] / 1e6:.1f} MB")
    lines += ["", "targets:"]
    for name in ("R1", "R2", "R3", "P50", "pages"):
        for qid, t in r[name].items():
            if "target" in t:
                lines.append(_target_line(f"{name} {qid}", t))
    for name in ("memory", "R4", "R5", "R6"):
        if "target" in r[name]:
            lines.append(_target_line(name, r[name]))
    return "\n".join(lines)


def _target_line(label: str, t: dict[str, Any]) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
    note = f"  ({t['note']})" if t.get("note") else ""
    return f"  {label:<14}{num(t['value']):>10}  {t['target']:<20}{verdict}{note}"


# ---------------------------------------------------------------------------------------------
# The run


def run(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url = args.db
    engine = "sqlite" if url.startswith("sqlite") else "postgresql"
    manifest_path = args.manifest or (
        Path(f"{sqlite_file(url)}.manifest.json") if engine == "sqlite" else None
    )
    if manifest_path is None or not manifest_path.exists():
        raise SystemExit(f"no manifest at {manifest_path}: pass --manifest (bench/generate.py writes one)")
    manifest, probes = load_probes(manifest_path)
    check_schema(url)
    scale = args.scale or manifest.get("scale") or "custom"
    with_datasette = engine == "sqlite" and not args.skip_datasette
    if with_datasette and not DATASETTE.exists():
        raise SystemExit(
            f"Datasette is not installed at {DATASETTE} (see bench/README.md) or pass --skip-datasette"
        )
    python_client = args.python_client or shutil.which("wrk") is None
    duration = args.duration
    queries = [q for q in api_queries(probes) if q.id not in args.leave_out]
    result: dict[str, Any] = {
        "schema": 1, "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "scale": scale,
        "duration_s": duration, "client": "python" if python_client else "wrk",
        "uvicorn_options": uvicorn_options(), "datasette_version": datasette_version() if with_datasette else None,
        "cores": {"server": SERVER_CORE, "client": CLIENT_CORE}, "manifest": str(manifest_path), "probes": probes,
        "database": {"engine": engine, "url": _hide_password(url)} | database_facts(url),
        "left_out": sorted(args.leave_out),
    }  # fmt: skip

    log(f"{engine} {result['database']['claims']:,} claims; in-process pass for the SQL of each request")
    statements = inspect_api(url, queries)
    raw = {q.id: time_raw_sql(url, statements[q.id]) for q in queries}
    if not args.skip_import:
        claims = args.import_claims or IMPORT_CLAIMS.get(scale, 100_000)
        log(f"Q7: writing {claims:,} delta claims (not timed)")
        importer = Importer(args.generator, url, manifest, claims, workdir)
    items: dict[str, Any] = {q.id: {"title": q.title} | ({"note": q.note} if q.note else {}) for q in queries}

    log("bare app")
    with bare_server() as bare:
        bare.check("/constant")
        result["bare"] = {"path": "/constant"} | bare.both("/constant", duration, python_client)

    if with_datasette:
        path = sqlite_file(url)
        db_name = path.stem  # Datasette's name for the file
        add_datasette(queries, db_name, path, probes)
        with datasette_server(path) as ds:
            names = [d["name"] for d in json.loads(ds.get("/-/databases.json")[1])]
            if db_name not in names:
                raise SystemExit(f"Datasette serves {names}, not {db_name}")
            deep = next(q for q in queries if q.id == "Q3-p200")
            first = next(q for q in queries if q.id == "Q3-p1").datasette
            assert first is not None
            deep.datasette = datasette_deep_page(ds, first, PAGES)
            for q in queries:
                if q.datasette:
                    log(f"datasette {q.id}")
                    ds.check(q.datasette)
                    items[q.id]["datasette"] = {"path": q.datasette} | ds.both(
                        q.datasette, duration, python_client
                    )
    for q in queries:
        if q.datasette_note:
            items[q.id]["datasette_note"] = q.datasette_note

    importing = not args.skip_import
    copy = database_copy(url) if importing else contextlib.nullcontext(None)
    with copy as copy_url, api_server(url) as api:
        for q in queries:
            log(f"api {q.id} {q.path}")
            api.check(q.path, q.status, accept=q.accept)
            items[q.id]["api"] = {"path": q.path, "status": q.status} | ({"accept": q.accept} if q.accept else {}) \
                | api.both(q.path, duration, python_client, q.accept)
            items[q.id]["raw_sql"] = raw[q.id]
        if importing:
            mixed = [q.path for q in queries if q.id in ("Q1", "Q3-p1", "Q3-p200", "Q5-one", "Q5-page")]
            windows, window = max(1, math.ceil(duration / Q8_WINDOW_S)), min(Q8_WINDOW_S, duration)
            log(f"Q8 mixed reads without import ({windows} x {window}s)")
            without = Load.merge([drive(api.base, mixed, Q8_CONNECTIONS, window, python_client)
                                  for _ in range(windows)])  # fmt: skip
            before = max_ids(url)
            log(f"Q7 import of {claims:,} claims (batch {importer.batch}), with the mixed reads running")
            importer.start()
            during_loads = []
            while importer.running() or not during_loads:
                during_loads.append(drive(api.base, mixed, Q8_CONNECTIONS, window, python_client))
            during = Load.merge(during_loads)
            report = importer.wait()
            items["Q7"] = (import_result(url, before, claims, report) if report
                           else {"title": "import failed", "claims": 0, "rows": 0, "errors": 1,
                                 "error": str(importer.error)})  # fmt: skip
            items["Q8"] = {"title": "mixed reads (Q1, Q3, Q5) during Q7 vs without", "paths": mixed,
                           "connections": Q8_CONNECTIONS, "window_s": window,
                           "without": without.summary(), "during": during.summary()}  # fmt: skip
        result["api_peak_rss_kb"] = peak_rss_kb(api.pid)
        if importing and items["Q7"]["rows"]:
            log("R4: the same rows with plain executemany into the copy")
            items["Q7"]["raw"] = raw_insert(url, copy_url, before, import_batch())

    if importing:
        result["database"]["size_bytes_after_import"] = database_facts(url)["size_bytes"]
    result["queries"] = items
    result["ratios"] = ratios(result)
    return result


def _leave_out(text: str) -> frozenset[str]:
    ids = frozenset(part.strip() for part in text.split(",") if part.strip())
    known = {q.id for q in api_queries(dict.fromkeys(PROBE_KEYS, "x") | {"compare": ["x"]})}
    wrong = sorted(ids - known) + sorted(ids & {"Q3-p1", "Q3-p200"})
    if wrong:
        raise argparse.ArgumentTypeError(f"cannot leave out {', '.join(wrong)} (queries: {', '.join(sorted(known))})")
    return ids


def check_schema(url: str) -> None:
    """The API and the importer refuse a database behind the code's schema: say so first."""
    from equipment_db import schema_version
    from equipment_db.config import get_settings
    from equipment_db.database import create_db_engine

    engine = create_db_engine(get_settings(url=url))
    try:
        current = schema_version.current(engine)
    finally:
        engine.dispose()
    if current != schema_version.HEAD:
        raise SystemExit(f"the database is at revision {current}, the code needs {schema_version.HEAD}: "
                         f"run `equipment-db --db URL db upgrade` (or build it again)")  # fmt: skip


def import_result(url: str, before: dict[str, int], claims: int, report: dict[str, Any]) -> dict[str, Any]:
    """Rows written (counted in the database: claims, citations, revisions), their rate over
    the importer's own time (validation and writes, as `equipment-db import --json` reports
    it), the whole process's time, and its peak RSS."""
    conn = connect(url)
    rows = {t: conn.execute(f"SELECT count(*) FROM {t} WHERE id > {before[t]}").fetchone()[0]
            for t in NEW_ROW_TABLES}  # fmt: skip
    conn.close()
    seconds, total = float(report["importer_seconds"]), sum(rows.values())
    return {"title": f"import of {claims:,} claims (generate.py --delta)", "claims": rows["claim"],
            "rows_by_table": rows, "rows": total, "seconds": round(seconds, 3),
            "process_seconds": report["seconds"], "rows_per_s": round(total / seconds, 1),
            "claims_per_s": round(rows["claim"] / seconds, 1), "importer_peak_rss_kb": int(report["peak_rss_mb"] * 1024),
            "errors": report["rejected"] + (rows["claim"] != claims), "generator_report": report}  # fmt: skip


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# ---------------------------------------------------------------------------------------------
# The Python keep-alive client (`run.py client ...`), used without wrk or with --python-client


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    at = head.find(b"\r\ncontent-length:")
    if at >= 0:
        await reader.readexactly(int(head[at + 17 : head.index(b"\r\n", at + 2)]))
    elif b"\r\ntransfer-encoding: chunked" in head:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return int(head[9:12])


async def _load(host: str, port: int, paths: list[str], connections: int, duration: float,
                accept: str | None = None) -> dict[str, Any]:
    extra = f"Accept: {accept}\r\n" if accept else ""
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode() for p in paths]
    latencies: Counter[int] = Counter()
    errors: Counter[str] = Counter({"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0})
    started = time.perf_counter()
    deadline = started + duration

    async def connection(n: int) -> None:
        i, writer = n * 7, None
        while time.perf_counter() < deadline:
            if writer is None:
                try:
                    reader, writer = await asyncio.open_connection(host, port)
                except OSError:
                    errors["connect"] += 1
                    await asyncio.sleep(0.01)
                    continue
            sent = time.perf_counter_ns()
            try:
                writer.write(requests[i % len(requests)])
                status = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT_S)
            except TimeoutError:
                errors["timeout"] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                errors["read"] += 1
            else:
                latencies[(time.perf_counter_ns() - sent) // 1000] += 1
                errors["status"] += status > 399
                i += 1
                continue
            writer.close()
            writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection(n) for n in range(connections)))
    elapsed = time.perf_counter() - started
    return {"requests": sum(latencies.values()), "duration_us": int(elapsed * 1e6), "errors": dict(errors),
            "histogram": [[v, c] for v, c in sorted(latencies.items())]}  # fmt: skip


def client_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="run.py client", description="Keep-alive HTTP/1.1 load, JSON out.")
    parser.add_argument("base", help="http://127.0.0.1:PORT")
    parser.add_argument("--paths", type=Path, required=True, help="file of paths, one a line, sent in turn")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--accept", help="an Accept header for every request")
    args = parser.parse_args(argv)
    parts = urlsplit(args.base)
    paths = [line for line in args.paths.read_text(encoding="utf-8").splitlines() if line]
    found = asyncio.run(_load(parts.hostname or "127.0.0.1", parts.port or 80, paths, args.connections,
                              args.duration, args.accept))  # fmt: skip
    args.out.write_text(json.dumps(found), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["client"]:
        client_main(argv[1:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--db", required=True, help="benchmark database URL (sqlite:///FILE or postgresql+psycopg://...)"
    )
    parser.add_argument(
        "--manifest", type=Path, help="probes file (default for SQLite: <db file>.manifest.json)"
    )
    parser.add_argument("--scale", help="name in the output (default: the manifest's scale)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    parser.add_argument("--skip-datasette", action="store_true", help="do not measure Datasette")
    parser.add_argument("--leave-out", type=_leave_out, default=frozenset(), metavar="Q6,...",
                        help="queries not to measure, by id (not Q3-p1 or Q3-p200, which R5 needs); the "
                             "results say which were left out")  # fmt: skip
    parser.add_argument(
        "--skip-import", action="store_true", help="do not run Q7/Q8 (the database is unchanged)"
    )
    parser.add_argument(
        "--python-client", action="store_true", help="the Python load client even if wrk is there"
    )
    parser.add_argument(
        "--import-claims", type=int, help="Q7's size (default 500 at tiny scale, else 100,000)"
    )
    parser.add_argument("--generator", type=Path, default=BENCH / "generate.py", help=argparse.SUPPRESS)
    parser.add_argument(
        "--out", type=Path, help="result JSON (default bench/results/<scale>-<engine>-<UTC>.json)"
    )
    args = parser.parse_args(argv)
    result = run(args)
    out = args.out or BENCH / "results" / (
        f"{result['scale']}-{result['database']['engine']}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nsaved {out}")
    if "error" in result["queries"].get("Q7", {}):
        raise SystemExit(f"Q7 failed: {result['queries']['Q7']['error']}")


if __name__ == "__main__":
    main()
