"""Issue 17, item 7: beyond one machine, tested here, by docs/DEPLOY.md's recipe.

A throwaway PostgreSQL primary with the page's settings and a hot standby made from it with
`pg_basebackup -R` (tests/deploy_servers.py); the schema and the seed data written to the
primary by the CLI reach the standby by streaming replication. The API runs on the standby
with the page's uvicorn command (two workers), nginx in front of it with deploy/nginx.conf.
Editors write to the primary with the CLI; the API shows the write after the replication
lag, which /health reports; the API never writes; the proxy serves what may be cached.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.deploy_servers import (
    Clusters,
    doc_block,
    free_port,
    nginx_binary,
    nginx_main_conf,
    nginx_site,
    start,
    stop,
    uvicorn_command,
    wait_for,
)

# Slow (the fast lane, `-m "not slow"`, leaves it out): two PostgreSQL clusters, uvicorn and nginx.
pytestmark = pytest.mark.slow

CLI = Path(sys.executable).with_name("equipment-db")
PUBLIC = "https://db.example.org"
ANADOLU = "S-PJZ2YVHP"  # a seeded source
CLAIM = "C-GEPDCDFB"  # a seeded claim
PAGE = {"Accept": "text/html"}
READS = ["/health", "/v1/meta", "/v1/systems", "/v1/systems/igla-s", "/v1/systems/igla-s/quantities",
         "/v1/systems/igla-s/versions/1", "/v1/systems/igla-s/citation?format=ris", "/v1/claims?limit=5",
         "/v1/claims?system=igla-s&country=VE&kind=transfer&limit=2", f"/v1/claims/{CLAIM}",
         f"/v1/claims/{CLAIM}/versions", f"/v1/claims/{CLAIM}/versions/1", f"/v1/claims/{CLAIM}/citation?format=bibtex",
         "/v1/sources", f"/v1/sources/{ANADOLU}", f"/v1/sources/{ANADOLU}/versions/1", "/v1/actors",
         "/v1/target-types", "/v1/countries/VE", "/v1/search?q=Igla", "/v1/compare?systems=igla-s,fim-92-stinger",
         "/v1/timeline?system=igla-s&country=VE", "/v1/export?format=jsonl", "/openapi.json", "/docs"]  # fmt: skip


@dataclass
class Deployment:
    clusters: Clusters
    standby_data: Path
    primary: str  # SQLAlchemy URLs
    standby: str
    api: str  # base URLs
    api_log: Path
    standby_log_from: int  # where the standby's server log stood when the API started


def cli(url: str, *args: str) -> str:
    done = subprocess.run([str(CLI), "--db", url, "--editor", "test-editor", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def scalar(url: str, sql: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """Primary, standby made from it, schema and seed written to the primary and replayed on the
    standby, then the API's two workers on the standby."""
    clusters = Clusters()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        primary_port, standby_port, api_port = free_port(), free_port(), free_port()
        clusters.primary(primary_port, doc_block("# postgresql.conf on the primary"))
        standby_data = clusters.standby(primary_port, standby_port)
        base = "postgresql+psycopg://postgres@127.0.0.1:{}/equipment"
        primary, standby = base.format(primary_port), base.format(standby_port)
        engine = sa.create_engine(primary.removesuffix("equipment") + "postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text("CREATE DATABASE equipment"))
        engine.dispose()
        cli(primary, "db", "upgrade")  # on the primary only: the standby gets it by replication
        cli(primary, "seed")
        deadline = time.monotonic() + 30
        while True:
            try:
                if scalar(standby, "SELECT count(*) FROM claim") == 39:
                    break
            except sa.exc.DBAPIError:
                pass  # the database or its tables have not been replayed yet
            assert time.monotonic() < deadline, "the standby did not receive the seeded claims in 30 s"
            time.sleep(0.05)
        api_log = clusters.dir / "uvicorn.log"
        standby_log_from = clusters.log(standby_data).stat().st_size
        env = {"PATH": "/usr/bin:/bin", "HOME": str(clusters.dir), "EQUIPMENT_DB_URL": standby,
               "EQUIPMENT_DB_PUBLIC_URL": PUBLIC, "PYTHONUNBUFFERED": "1"}  # fmt: skip
        processes.append(start(uvicorn_command(api_port), api_log, env=env))
        api = f"http://127.0.0.1:{api_port}"
        wait_for(f"{api}/health", processes[-1], api_log)
        deadline = time.monotonic() + 30
        while api_log.read_text(errors="replace").count("Application startup complete.") < 2:  # both workers
            assert time.monotonic() < deadline, api_log.read_text(errors="replace")
            time.sleep(0.1)
        yield Deployment(clusters, standby_data, primary, standby, api, api_log, standby_log_from)
    finally:
        for process in processes:
            stop(process)
        clusters.close()


@pytest.fixture(scope="module")
def proxy(deployment: Deployment) -> Iterator[str]:
    """nginx in the foreground with deploy/nginx.conf, in front of the API's workers."""
    nginx = nginx_binary()
    work = deployment.clusters.dir / "nginx"
    work.mkdir()
    port = free_port()
    upstream = int(deployment.api.rsplit(":", 1)[1])
    site = work / "equipment-db.conf"
    site.write_text(nginx_site(port=port, upstream=upstream, cache=work / "cache"), encoding="utf-8")
    conf = work / "nginx.conf"
    conf.write_text(nginx_main_conf(work, site), encoding="utf-8")
    log = work / "nginx.out"
    process = start([nginx, "-g", "daemon off;", "-p", str(work), "-c", str(conf), "-e", str(work / "nginx-error.log")],
                    log)  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, work / "nginx-error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGQUIT)  # a graceful shutdown


def upstream_requests(deployment: Deployment) -> list[tuple[str, int]]:
    """What reached the API: (path, status) per request, from uvicorn's access log."""
    text = deployment.api_log.read_text(errors="replace")
    return [(path, int(status)) for path, status in re.findall(r'"(?:GET|HEAD) (\S+) HTTP/[\d.]+" (\d{3})', text)]


# --- the standby ------------------------------------------------------------------------------


def test_the_api_runs_on_a_read_only_standby_answers_every_read_and_never_writes(deployment: Deployment) -> None:
    assert scalar(deployment.standby, "SELECT pg_is_in_recovery()") is True
    log = deployment.api_log.read_text(errors="replace")
    assert log.count("Application startup complete.") == 2, log  # the page's two workers, started on the standby
    assert "Started parent process" in log and log.count("Started server process") == 2, log
    with httpx.Client(base_url=deployment.api, timeout=30) as client:
        for path in READS:
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.text[:500]}"
        assert client.get(f"/v1/claims/{CLAIM}", headers=PAGE).headers["content-type"].startswith("text/html")
        assert client.get("/v1/meta").json()["counts"]["claim"] >= 39
    engine = sa.create_engine(deployment.standby)
    try:
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"), engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE test_write_on_standby (x int)"))
    finally:
        engine.dispose()
    # The standby logs every statement that failed: since the API started, only the test's own write did.
    with deployment.clusters.log(deployment.standby_data).open("rb") as log_file:
        server_log = log_file.read()[deployment.standby_log_from:].decode(errors="replace")
    errors = re.findall(r"(?:ERROR|FATAL):.*\n(?:.*STATEMENT:.*)?", server_log)
    assert errors and all("test_write_on_standby" in error for error in errors), errors
    assert "Traceback" not in deployment.api_log.read_text(errors="replace")


def test_a_write_on_the_primary_shows_on_the_api_after_the_replication_lag(deployment: Deployment) -> None:
    """Read-your-writes: the CLI writes to the primary (and reads it back there); the API on the
    standby shows the claim once replayed. /health then reports a lag that dates from that write;
    the primary measures the standby's replay lag itself (pg_stat_replication)."""
    with httpx.Client(base_url=deployment.api, timeout=30) as client:  # one warm connection to one worker
        before = client.get("/health").json()
        assert (before["status"], before["database"], before["standby"]) == ("ok", "postgresql", True)
        started = time.monotonic()
        claim_id = cli(deployment.primary, "claim", "add", "--kind", "inventory", "--system", "igla-s", "--country",
                       "VE", "--value", "100", "--counted", "missiles", "--source", ANADOLU).strip()  # fmt: skip
        written = time.monotonic()
        assert re.fullmatch(r"C-[0-9A-Z]{8}", claim_id), claim_id
        polls = 0
        while (response := client.get(f"/v1/claims/{claim_id}")).status_code != 200:
            assert response.status_code == 404, response.text
            assert time.monotonic() - written < 10, "the write did not reach the standby in 10 s"
            polls += 1
            time.sleep(0.002)
        seen_ms = (time.monotonic() - written) * 1000
        assert (response.json()["value_low"], response.json()["counted"]) == (100, "missiles")
        health = client.get("/health")
        since_started = time.monotonic() - started
    replay_lag = scalar(deployment.primary, "SELECT EXTRACT(EPOCH FROM replay_lag) FROM pg_stat_replication")
    lag = health.json()["replication_lag_s"]
    assert health.headers["cache-control"] == "no-store"
    assert health.json()["standby"] is True and lag is not None
    assert 0 <= lag <= since_started + 0.1  # it dates from this write, not from the seed's, older
    assert json.loads(cli(deployment.primary, "claim", "show", claim_id, "--json"))["id"] == claim_id  # the editor's read
    print(f"\nread-your-writes: the API showed the claim {seen_ms:.1f} ms after `claim add` exited ({polls} reads "
          f"answered 404 first); /health then said replication_lag_s = {lag} s (the write's age); the primary's "
          f"pg_stat_replication.replay_lag = {replay_lag} s")  # fmt: skip


# --- the caching reverse proxy ------------------------------------------------------------------


def test_a_versioned_url_is_served_from_the_proxy_cache_and_the_api_sees_it_once(deployment: Deployment,
                                                                                 proxy: str) -> None:  # fmt: skip
    path = "/v1/claims/C-6MP0SGJ6/versions/1"
    with httpx.Client(base_url=proxy, timeout=30) as client:
        responses = [client.get(path) for _ in range(5)]
        etag = responses[0].headers["etag"]
        conditional = client.get(path, headers={"If-None-Match": etag})
    assert [r.status_code for r in responses] == [200] * 5
    assert [r.headers["x-cache-status"] for r in responses] == ["MISS"] + ["HIT"] * 4
    assert {r.headers["cache-control"] for r in responses} == {"public, max-age=31536000, immutable"}
    assert len({r.content for r in responses}) == 1
    assert (conditional.status_code, conditional.headers["x-cache-status"]) == (304, "HIT")
    assert upstream_requests(deployment).count((path, 200)) == 1
    assert [p for p, _ in upstream_requests(deployment)].count(path) == 1


def test_a_page_is_revalidated_by_the_api_with_its_etag(deployment: Deployment, proxy: str) -> None:
    """A page is `no-cache`: nginx keeps none, and the browser's If-None-Match reaches the API,
    which answers 304 from the ETag."""
    path = "/v1/claims/C-P9G7JEAH"
    with httpx.Client(base_url=proxy, timeout=30, headers=PAGE) as client:
        page = client.get(path)
        again = client.get(path, headers={"If-None-Match": page.headers["etag"]})
    assert (page.status_code, page.headers["cache-control"]) == (200, "no-cache")
    assert "x-cache-status" not in page.headers  # not a cache's answer
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", page.headers["etag"])
    assert [status for p, status in upstream_requests(deployment) if p == path] == [200, 304]


def test_through_the_proxy_a_list_may_trail_a_write_by_its_max_age(deployment: Deployment, proxy: str) -> None:
    """Read-your-writes through the cache: a list is `max-age=60`, so the proxy serves the list
    it holds; the API behind it already shows the new claim (docs/DEPLOY.md)."""
    path = "/v1/claims?system=fim-92-stinger&kind=inventory&limit=50"
    cached = httpx.get(f"{proxy}{path}")
    assert (cached.status_code, cached.headers["cache-control"]) == (200, "public, max-age=60")
    claim_id = cli(deployment.primary, "claim", "add", "--kind", "inventory", "--system", "fim-92-stinger",
                   "--country", "VE", "--value", "12", "--counted", "missiles", "--source", ANADOLU).strip()  # fmt: skip
    deadline = time.monotonic() + 10
    while claim_id not in {item["id"] for item in httpx.get(f"{deployment.api}{path}").json()["items"]}:
        assert time.monotonic() < deadline, "the write did not reach the standby in 10 s"
        time.sleep(0.01)
    held = httpx.get(f"{proxy}{path}")
    assert (held.headers["x-cache-status"], held.content) == ("HIT", cached.content)


def test_the_proxy_answers_most_of_a_fixed_mix_of_reads_from_its_cache(deployment: Deployment, proxy: str) -> None:
    """100 reads of 20 versions, 20 of 5 claims' JSON, 8 of 2 systems, 10 page views and 2
    health checks: every cacheable URL misses once, then hits; pages and /health reach the API."""
    ids = [item["id"] for item in httpx.get(f"{deployment.api}/v1/claims?limit=40").json()["items"]]
    used = {CLAIM, "C-6MP0SGJ6", "C-P9G7JEAH"}  # read through the proxy by the tests above
    ids = [claim_id for claim_id in ids if claim_id not in used][:30]
    assert len(ids) == 30
    mix: list[tuple[str, dict[str, str]]] = []
    mix += [(f"/v1/claims/{claim_id}/versions/1", {}) for claim_id in ids[:20] for _ in range(5)]
    mix += [(f"/v1/claims/{claim_id}", {}) for claim_id in ids[20:25] for _ in range(4)]
    mix += [(path, {}) for path in ("/v1/systems?limit=10", "/v1/systems/fim-92-stinger") for _ in range(4)]
    mix += [(f"/v1/claims/{claim_id}", PAGE) for claim_id in ids[25:30] for _ in range(2)]
    mix += [("/health", {}), ("/health", {})]
    before = len(upstream_requests(deployment))
    statuses = Counter()
    with httpx.Client(base_url=proxy, timeout=30) as client:
        for path, headers in mix:
            response = client.get(path, headers=headers)
            assert response.status_code == 200, path
            statuses[response.headers.get("x-cache-status", "none (page)")] += 1
    reached = len(upstream_requests(deployment)) - before
    ratio = statuses["HIT"] / len(mix)
    print(f"\nproxy cache: {len(mix)} requests, {dict(statuses)}, {reached} reached the API; "
          f"hit ratio {ratio:.1%}")  # fmt: skip
    assert dict(statuses) == {"MISS": 20 + 5 + 2 + 2, "HIT": 80 + 15 + 6, "none (page)": 10}
    assert reached == len(mix) - statuses["HIT"]
    assert ratio >= 0.7
