"""The API under hostile clients (issue 17, part 3), on both engines.

- No database connection is held while an answer goes to the client (in process: a client
  that never reads holds no connection once its answer is built).
- A real `equipment-db serve`: while 50 sockets ask for 500 claims with their citations and
  never read, and while 12 threads flood the search, `/health` and a claim lookup answer in
  under a second. Before this part, the same scenario left both unanswered (10 s client
  timeouts: bench/slow_clients.py, figures in docs/DEPLOY.md).
- Requests that never finish arriving are answered 408, oversized heads 431, oversized
  bodies 413, and connections beyond the cap 503; the server goes on answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from equipment_db.api.app import create_app
from equipment_db.claims import service as claim_service
from equipment_db.config import REPO_ROOT, get_settings
from equipment_db.database import session_scope
from tests.dbs import DatabaseFactory, engine_for
from tests.factories import EDIT, claim_input, populate

GREEDY = "/v1/claims?limit=500&include=citations"
# The lookups timed the way bench/slow_clients.py times them (bench/ holds scripts, not a package)
_spec = importlib.util.spec_from_file_location("slow_clients", REPO_ROOT / "bench" / "slow_clients.py")
_bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_bench)  # type: ignore[union-attr]
timed_lookups = _bench.timed_lookups
QUOTE = "Test quote about the delivery of the test systems, as the example report worded it. " * 6


def greedy_database(dbs: DatabaseFactory, claims: int = 300) -> tuple[str, str]:
    """A migrated database with `claims` claims, each with a long quote: the greedy page is
    far larger than what the kernel buffers for a socket. Returns its URL and a claim id."""
    url = dbs.migrated()
    engine = engine_for(url)
    keys = populate(engine)
    with session_scope(engine, write=True) as session:
        ids = [claim_service.create_claim(
            session, claim_input(keys["source"], value=i + 1, value_text=f"at least {i + 1}",
                                 citations=[{"source": keys["source"], "quote": f"{QUOTE}{i}", "locator": "p 1"}]),
            edit=EDIT).public_id for i in range(claims)]  # fmt: skip
    engine.dispose()
    return url, ids[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[callable]:
    """Start `equipment-db serve` on a database URL with extra settings; stopped at the end."""
    servers: list[subprocess.Popen[bytes]] = []

    def start(url: str, **settings: str) -> str:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "EQUIPMENT_DB_PUBLIC_URL": base,
               **{f"EQUIPMENT_DB_{k.upper()}": v for k, v in settings.items()}}  # fmt: skip
        log = (tmp_path / f"serve-{port}.log").open("wb")
        server = subprocess.Popen([str(Path(sys.executable).parent / "equipment-db"), "--db", url, "serve",
                                   "--port", str(port)], env=env, stdout=log, stderr=log)  # fmt: skip
        servers.append(server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    return base
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("serve did not answer /health within 60 s")

    yield start
    for server in servers:
        server.kill()
        server.wait()


def test_no_connection_is_held_while_an_answer_goes_to_a_client_that_never_reads(dbs: DatabaseFactory) -> None:
    url, _claim = greedy_database(dbs, claims=60)
    engine = engine_for(url)
    app = create_app(get_settings(url=url, public_url="https://db.example.org"), engine)
    seen: dict[str, int] = {}

    async def scenario() -> None:
        started = asyncio.Event()

        async def receive() -> dict[str, object]:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = int(message["status"])  # type: ignore[call-overload]
                seen["checked_out"] = engine.pool.checkedout()
                started.set()
                await asyncio.sleep(3600)  # a client that never reads the body

        path, _, query = GREEDY.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "headers": [(b"host", b"db.example.org")], "server": ("db.example.org", 443),
                 "client": ("192.0.2.1", 5555), "root_path": "", "state": {}}  # fmt: skip
        async with app.router.lifespan_context(app):
            task = asyncio.create_task(app(scope, receive, send))
            await asyncio.wait_for(started.wait(), 30)
            await asyncio.sleep(0.2)
            seen["later"] = engine.pool.checkedout()
            task.cancel()

    try:
        asyncio.run(scenario())
    finally:
        engine.dispose()
    assert seen == {"status": 200, "checked_out": 0, "later": 0}


@pytest.mark.slow
def test_health_and_lookups_answer_within_a_second_while_50_clients_never_read(dbs: DatabaseFactory, serve) -> None:
    url, claim_id = greedy_database(dbs)
    base = serve(url)
    port = int(base.rsplit(":", 1)[1])
    assert len(httpx.get(base + GREEDY, timeout=30).content) > 300_000  # larger than socket buffers

    hung = []
    for _ in range(50):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {GREEDY} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        hung.append(sock)
    try:
        time.sleep(3.0)  # the server has built their answers and is stuck sending them
        while_hung = timed_lookups(base, claim_id, 3.0)
        # and a search flood beside them: searches wait in their own lane or are refused
        stop, searched = threading.Event(), []

        def flood() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    searched.append(client.get("/v1/search", params={"q": "test", "limit": 50}).status_code)

        threads = [threading.Thread(target=flood) for _ in range(12)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        while_searching = timed_lookups(base, claim_id, 3.0)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        for sock in hung:
            sock.close()

    for phase in (while_hung, while_searching):
        assert len(phase) >= 4 and {status for _, status, _ in phase} == {200}, phase
        assert max(took for _, _, took in phase) < 1.0, sorted(took for _, _, took in phase)[-5:]
        assert statistics.median(took for _, _, took in phase) < 0.2
    assert set(searched) <= {200, 503} and 200 in searched


@pytest.mark.slow
def test_incomplete_oversized_and_surplus_requests_are_refused_and_the_server_goes_on(
    dbs: DatabaseFactory, serve
) -> None:
    base = serve(dbs.seeded(), request_timeout_s="1", max_connections="20")
    port = int(base.rsplit(":", 1)[1])

    def exchange(data: bytes, wait: float = 5.0) -> tuple[bytes, float]:
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.settimeout(wait)
            started = time.monotonic()
            sock.sendall(data)
            try:
                answer = sock.recv(300)
            except TimeoutError:
                answer = b""
            return answer, time.monotonic() - started

    head, took = exchange(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finished
    assert head.startswith(b"HTTP/1.1 408 ") and 0.9 < took < 3, (head, took)
    head, took = exchange(b"")  # a connection that sends nothing at all
    assert head.startswith(b"HTTP/1.1 408 ") and took < 3
    huge = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 100_000_000
    with socket.create_connection(("127.0.0.1", port)) as sock:  # 100 MB of one header
        sock.settimeout(5)
        with contextlib.suppress(OSError):  # the server closes the connection while we still send
            sock.sendall(huge)
        assert sock.recv(300).startswith(b"HTTP/1.1 431 ")
    many = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"a" * 60) for i in range(400))
    assert exchange(b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")[0].startswith(b"HTTP/1.1 431 ")
    assert exchange(b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")[0].startswith(
        b"HTTP/1.1 413 ")

    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]  # the cap is 20
    try:
        time.sleep(0.3)
        surplus = httpx.get(base + "/health", timeout=5)
    finally:
        for sock in idle:
            sock.close()
    assert surplus.status_code == 503
    time.sleep(0.3)
    assert httpx.get(base + "/health", timeout=5).status_code == 200
    assert httpx.get(base + "/v1/systems/igla-s", timeout=5).status_code == 200
    # a request that arrives in time, slowly, is answered
    with socket.create_connection(("127.0.0.1", port)) as sock:
        for piece in (b"GET /health HTTP/1.1\r\n", b"Host: x\r\n", b"Connection: close\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(0.2)
        sock.settimeout(5)
        assert sock.recv(100).startswith(b"HTTP/1.1 200 ")


def test_the_api_pool_has_a_connection_for_each_thread_and_lane(dbs: DatabaseFactory) -> None:
    settings = get_settings(url=dbs.seeded(), api_threads=3, search_workers=2, export_streams=1)
    app = create_app(settings)
    try:
        pool = app.state.engine.pool
        assert isinstance(pool, sa.pool.QueuePool) and pool.size() == 6 and pool._max_overflow == 0
        assert {name: (lane.workers, lane.queue) for name, lane in app.state.lanes.items()} == {
            "searches": (2, settings.search_queue), "exports": (1, 0)}
    finally:
        app.state.engine.dispose()


def test_full_exports_beyond_their_lane_answer_503_and_a_finished_stream_gives_its_place_back(
    dbs: DatabaseFactory,
) -> None:
    from tests.api_client import api

    with api(dbs.seeded(), export_streams=1) as client:
        exports = client.app.state.lanes["exports"]
        exports.pending = 1  # a stream is being sent
        busy = client.get("/v1/export")
        lookup = client.get("/v1/systems/igla-s")
        exports.pending = 0
        first = client.get("/v1/export")
        second = client.get("/v1/export?format=csv")
        left = exports.pending
    assert busy.status_code == 503 and busy.json()["code"] == "busy" and busy.headers["retry-after"] == "1"
    assert lookup.status_code == 200
    assert first.status_code == 200 and second.status_code == 200 and first.text.count("\n") > 10
    assert left == 0
