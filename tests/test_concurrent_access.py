"""Issue 6 T7: readers during writes, and two imports at once.

A real `equipment-db serve` process answers four reader processes (system list, claim
list, search, one claim, compare) while `equipment-db import` writes a synthetic file;
then two imports of different files run at once. Every read is a 200, no process prints a
traceback or "database is locked", and the second import waits for the first and succeeds
(or fails with one line, exit code 1 and nothing written).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.dbs import DatabaseFactory, engine_for
from tests.reliability import report, size

# Slow (the fast lane, `-m "not slow"`, leaves it out): a real server, reader processes and two imports at once (T7).
pytestmark = pytest.mark.slow

GENERATOR = Path(__file__).resolve().parents[1] / "bench" / "generate.py"
CLI = Path(sys.executable).with_name("equipment-db")
CLAIMS = size(900, 20_000)  # the first import writes all but the last 400; the two at once 200 each
READERS = 4
READS = ("/v1/systems", "/v1/claims?limit=20", "/v1/search?q=igla", "/v1/claims/C-188SS8MP",
         "/v1/compare?systems=igla-s,fim-92-stinger")  # fmt: skip
READER = """
import json, pathlib, sys, httpx
base, stop, paths = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
reads, errors = 0, []
with httpx.Client(base_url=base, timeout=60) as client:
    while not stop.exists():
        for path in paths:
            try:
                response = client.get(path)
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code} {response.text[:300]}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {exc!r}")
            reads += 1
print(json.dumps({"reads": reads, "errors": errors[:10], "error_count": len(errors)}))
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A synthetic file split in three: everything but 400 claims, then two files of 200 claims."""
    work = tmp_path_factory.mktemp("concurrent-files")
    result = subprocess.run([sys.executable, str(GENERATOR), "--write-only", "--claims", str(CLAIMS), "--sources",
                             "60", "--systems", "20", "--actors", "30", "--seed", "7", "--workdir", str(work)],
                            capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = Path(json.loads(result.stdout)["file"]).read_text(encoding="utf-8").splitlines(keepends=True)
    claims = [line for line in lines if json.loads(line)["type"] == "claim"]
    others = [line for line in lines if json.loads(line)["type"] != "claim"]
    parts = {"first": others + claims[:-400], "a": claims[-400:-200], "b": claims[-200:]}
    for name, part in parts.items():
        (work / f"{name}.jsonl").write_text("".join(part), encoding="utf-8")
    return {name: work / f"{name}.jsonl" for name in parts}


SERVERS: list[subprocess.Popen[str]] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(args: list[str], log: Path, stdout: Any = subprocess.PIPE, **kwargs: Any) -> subprocess.Popen[str]:
    """A process in its own group, stderr to `log`; stdout piped (read by `communicate`), or
    to `log` too for the server, whose access log nobody reads: a full pipe would block it."""
    err = log.open("w")
    return subprocess.Popen(args, stdout=err if stdout is None else stdout, stderr=err, text=True,
                            start_new_session=True, **kwargs)  # fmt: skip


def stop(process: subprocess.Popen[str], sig: int = signal.SIGKILL) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=15)
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=15)


@contextmanager
def server(url: str, log: Path) -> Iterator[str]:
    """`equipment-db serve` on a free port; yields its base URL once /health answers."""
    port = free_port()
    process = start([str(CLI), "--db", url, "serve", "--port", str(port)], log, stdout=None,
                    env=os.environ | {"PYTHONFAULTHANDLER": "1"})  # SIGABRT dumps every thread's stack
    base = f"http://127.0.0.1:{port}"
    SERVERS.append(process)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            with suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base
    finally:
        stop(process, signal.SIGTERM)


def run_import(url: str, path: Path, log: Path) -> subprocess.Popen[str]:
    return start([str(CLI), "--db", url, "import", str(path), "--yes", "--json"], log)


def claim_count(url: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM claim")).scalar_one()
    finally:
        engine.dispose()


def finish(process: subprocess.Popen[str]) -> int:
    process.communicate(timeout=600)
    return process.returncode


def clean(log: Path) -> str:
    text = log.read_text()
    assert "Traceback" not in text and "database is locked" not in text, f"{log.name}:\n{text}"
    return text


def test_readers_see_only_200s_while_imports_run_and_a_second_import_waits(
    dbs: DatabaseFactory, files: dict[str, Path], tmp_path: Path
) -> None:
    url = dbs.seeded()
    before = claim_count(url)
    sizes = {"a": 200, "b": 200}
    stop_file = tmp_path / "stop"
    readers: list[subprocess.Popen[str]] = []
    importers: dict[str, subprocess.Popen[str]] = {}
    try:
        with server(url, tmp_path / "server.log") as base:
            readers = [start([sys.executable, "-c", READER, base, str(stop_file), *READS], tmp_path / f"reader{n}.log")
                       for n in range(READERS)]  # fmt: skip
            time.sleep(0.5)
            importers["first"] = run_import(url, files["first"], tmp_path / "first.log")
            assert finish(importers["first"]) == 0, (tmp_path / "first.log").read_text()
            after_first = claim_count(url)
            importers["a"] = run_import(url, files["a"], tmp_path / "a.log")
            importers["b"] = run_import(url, files["b"], tmp_path / "b.log")
            codes = {name: finish(importers[name]) for name in ("a", "b")}
            stop_file.touch()
            try:
                results = [json.loads(reader.communicate(timeout=120)[0]) for reader in readers]
            except subprocess.TimeoutExpired:  # the server stopped answering: show where it is stuck
                os.kill(SERVERS[-1].pid, signal.SIGABRT)
                time.sleep(2)
                pytest.fail("readers hung; the server's threads:\n" + (tmp_path / "server.log").read_text()[-12000:])
    finally:
        stop_file.touch()
        for process in [*readers, *importers.values()]:
            stop(process)
    reads = sum(result["reads"] for result in results)
    errors = [error for result in results for error in result["errors"]]
    for log in tmp_path.glob("*.log"):
        clean(log)
    failed = [name for name, code in codes.items() if code != 0]
    report("T7 readers during writes", dbs.name, reads=reads, read_errors=len(errors), import_exit_codes=codes)
    assert errors == [] and reads > READERS * len(READS), errors
    assert after_first - before == CLAIMS - 400
    assert len(failed) <= 1, codes
    expected = after_first + sizes["a"] + sizes["b"]
    for name in failed:  # the loser of the race may fail, in one line and writing nothing
        message = (tmp_path / f"{name}.log").read_text()
        assert codes[name] == 1 and message.startswith("error: ") and message.count("\n") == 1, message
        expected -= sizes[name]
    assert claim_count(url) == expected
