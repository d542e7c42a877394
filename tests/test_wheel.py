"""The wheel installs and runs from any directory: built from this checkout, installed into a
fresh virtual environment, it does the first run (create, migrate and seed the embedded SQLite
database) from a folder that is not the repository, then serves and reads the seeded systems.
It carries the command line, the migrations and the seed data inside `equipment_db` and
installs nothing at a generic top level (no `cli`, no `migrations`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from equipment_db.config import REPO_ROOT

pytestmark = pytest.mark.slow


def _run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    done = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only the wheel; the dependencies come from the
    environment running the tests, through a .pth file (nothing is downloaded)."""
    root = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", root / "dist", REPO_ROOT)
    (wheel,) = (root / "dist").glob("equipment_db-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    (site / "test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv


def test_the_wheel_carries_everything_inside_equipment_db(installed: Path) -> None:
    (wheel,) = (installed.parent / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names} == {"equipment_db", "equipment_db-0.1.0.dist-info"}
    for shipped in ("cli/main.py", "migrations/env.py", "seed_data/catalog.toml"):
        assert f"equipment_db/{shipped}" in names
    entry_points = zipfile.ZipFile(wheel).read("equipment_db-0.1.0.dist-info/entry_points.txt").decode()
    assert "equipment-db = equipment_db.__main__:run" in entry_points


def test_the_installed_wheel_runs_its_first_run_and_serves_from_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "XDG_DATA_HOME": str(data), "NO_COLOR": "1"}
    python = installed / "bin" / "python"
    found = _run(python, "-c", "import importlib.util as u, equipment_db; print(equipment_db.__file__, "
                 "u.find_spec('cli'), u.find_spec('migrations'))", cwd=elsewhere, env=env)  # fmt: skip
    where, cli, migrations = found.stdout.split()
    assert where.startswith(str(installed)) and (cli, migrations) == ("None", "None")

    script = installed / "bin" / "equipment-db"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        server = subprocess.Popen([script, "serve", "--port", str(port)], cwd=elsewhere, env=env,
                                  stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "Application startup complete" not in log.read_text() and server.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert server.poll() is None, log.read_text()
        systems = httpx.get(f"http://127.0.0.1:{port}/v1/systems").json()
    finally:
        server.terminate()
        server.wait(timeout=30)
    shown = log.read_text()
    assert "First run: created sqlite:///" in shown and "loaded 76 seed records" in shown, shown
    assert {"igla-s", "fim-92-stinger"} <= {item["slug"] for item in systems["items"]}

    listed = _run(script, "system", "list", "--json", cwd=elsewhere, env=env)
    assert {"igla-s", "fim-92-stinger"} <= {row["slug"] for row in json.loads(listed.stdout)}
    info = json.loads(_run(script, "db", "info", "--json", cwd=elsewhere, env=env).stdout)
    assert info["path"] == str(data / "equipment-db" / "equipment-db.sqlite3")
    assert info["up_to_date"] is True and info["rows"]["claim"] == 39
    assert sorted(path.name for path in elsewhere.iterdir()) == []
