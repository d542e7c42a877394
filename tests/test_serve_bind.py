"""`equipment-db serve` binds its address before it prints anything: a port that is taken is
one line and exit 1; the banner, uvicorn's log and the links never carry the database password."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from equipment_db.config import REPO_ROOT
from tests.dbs import DatabaseFactory

SECRET = "s3cr3t-Pw"


def _serve(url: str, port: int, stderr: Path) -> subprocess.Popen[str]:
    """`equipment-db serve` in its own process, run as the console script runs it."""
    env = {**os.environ, "EQUIPMENT_DB_URL": url, "NO_COLOR": "1"}
    with stderr.open("w") as err:
        return subprocess.Popen([sys.executable, "-m", "equipment_db", "serve", "--port", str(port)],
                                cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True)  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_port_that_is_taken_is_one_line_and_exit_1(dbs: DatabaseFactory, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        server = _serve(dbs.seeded(), port, tmp_path / "stderr")
        stdout, _ = server.communicate(timeout=60)
    assert server.returncode == 1
    assert stdout == ""
    line = f"error: --port: cannot listen on 127.0.0.1:{port} (Address already in use)\n"
    assert (tmp_path / "stderr").read_text() == line


def test_serve_shows_the_database_url_without_its_password(
    _factories: dict[str, DatabaseFactory | str], tmp_path: Path
) -> None:
    factory = _factories["postgresql"]
    if isinstance(factory, str):
        pytest.skip(factory)
    # trust authentication: any password is accepted, and none may be shown
    url = make_url(factory.seeded()).set(drivername="postgres", password=SECRET).render_as_string(hide_password=False)
    port = _free_port()
    log = tmp_path / "stderr"
    server = _serve(url, port, log)
    try:
        deadline = time.monotonic() + 60
        while "Application startup complete" not in log.read_text() and server.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        assert server.poll() is None, log.read_text()
        assert httpx.get(f"http://127.0.0.1:{port}/v1/systems").status_code == 200
    finally:
        server.terminate()
        stdout, _ = server.communicate(timeout=30)
    shown = log.read_text()
    assert f"Serving postgresql+psycopg://postgres:***@127.0.0.1:5432/{make_url(url).database} on " in shown
    assert SECRET not in shown + stdout
