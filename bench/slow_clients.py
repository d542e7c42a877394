"""Slow and greedy clients against `equipment-db serve`: does the API still answer?

    .venv/bin/python bench/slow_clients.py --db sqlite:////tmp/bench/tiny.sqlite3
    .venv/bin/python bench/slow_clients.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_tiny

Build the database first (`bench/generate.py --scale tiny --db URL`). The script serves it
with `equipment-db serve` on a free port and runs three phases, printing one line each:

- quiet: `/health` and one claim's JSON, asked one after another for a few seconds;
- hung: the same while N sockets (50 by default) each ask for
  `/v1/claims?limit=500&include=citations` and never read the answer (a small receive
  buffer, so the body cannot drain into the kernel);
- searches: the same while 12 threads run common-word searches back to back.

Each line gives the p50 and worst time of the lookups and how many failed (an error status
or no answer within the per-request timeout, 10 s). The last phase also counts the
searches that were answered 503 (busy) and 200. The figures are for the issue's note; the
test of the same scenario is tests/test_hostile_clients.py.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GREEDY = "/v1/claims?limit=500&include=citations"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cli = str(Path(sys.executable).parent / "equipment-db")
    server = subprocess.Popen([cli, "--db", db, "serve", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve exited {server.returncode}: {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("serve did not answer /health within 60 s")


def hang(port: int, count: int) -> list[socket.socket]:
    """`count` sockets that each ask for a large page and never read it."""
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(f"GET {GREEDY} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        sockets.append(sock)
    time.sleep(1.0)  # let the server start on them
    return sockets


def timed_lookups(base: str, claim_id: str, seconds: float) -> list[tuple[str, int, float]]:
    """(path, status, seconds) for /health and the claim, asked in turn for `seconds`; status
    0 for no answer within 10 s. tests/test_hostile_clients.py asks the same way."""
    seen = []
    end = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=10) as client:
        while time.monotonic() < end:
            for path in ("/health", f"/v1/claims/{claim_id}"):
                started = time.perf_counter()
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError:
                    status = 0
                seen.append((path, status, time.perf_counter() - started))
    return seen


def lookups(base: str, claim_id: str, seconds: float) -> tuple[list[float], int]:
    """The times of the answered lookups, and how many were not answered 200."""
    seen = timed_lookups(base, claim_id, seconds)
    return [took for _, status, took in seen if status == 200], sum(status != 200 for _, status, _ in seen)


def searching(base: str, word: str, stop: threading.Event, counts: dict[int, int]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            try:
                status = client.get("/v1/search", params={"q": word, "limit": 50}).status_code
            except httpx.HTTPError:
                status = 0
            counts[status] = counts.get(status, 0) + 1


def line(phase: str, times: list[float], failed: int, extra: str = "") -> str:
    if not times:
        return f"{phase:9} no lookup answered; {failed} failed {extra}"
    p50, worst = statistics.median(times) * 1000, max(times) * 1000
    return f"{phase:9} p50 {p50:8.1f} ms  worst {worst:8.1f} ms  answered {len(times):5}  failed {failed:4} {extra}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a benchmark database URL (bench/generate.py)")
    parser.add_argument("--clients", type=int, default=50, help="sockets that never read (default 50)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument("--word", default="pirrek", help="the common word searched for (the manifest's common_word)")
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "EQUIPMENT_DB_PUBLIC_URL": base}
    server = start_server(args.db, port, env)
    try:
        claim_id = httpx.get(f"{base}/v1/claims", params={"limit": 1}, timeout=10).json()["items"][0]["id"]
        print(line("quiet", *lookups(base, claim_id, args.seconds)), flush=True)
        sockets = hang(port, args.clients)
        try:
            print(line("hung", *lookups(base, claim_id, args.seconds), f"({args.clients} clients)"), flush=True)
        finally:
            for sock in sockets:
                sock.close()
        time.sleep(1.0)
        stop, counts = threading.Event(), {}
        threads = [threading.Thread(target=searching, args=(base, args.word, stop, counts)) for _ in range(12)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        times, failed = lookups(base, claim_id, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        shown = ", ".join(f"{status or 'no answer'}: {n}" for status, n in sorted(counts.items()))
        print(line("searches", times, failed, f"(12 searching threads; searches {shown})"), flush=True)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:  # still sending to a client that went away
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
