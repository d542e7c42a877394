"""The first run and the read-only commands: the embedded default is built in a temporary file
beside its place and moved there, so a failed first run leaves nothing that counts as ready;
migrating and seeding are one transaction on both engines; a command that only reads opens a
database that exists, or says in one line that it does not, and creates nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cli.main import app
from equipment_db import schema_version
from equipment_db.config import REPO_ROOT
from equipment_db.database import sqlite_path
from tests.dbs import DatabaseFactory, engine_for

runner = CliRunner()
# A write that needs a ready database: on the embedded default it runs the first run.
WRITE = ("system", "add", "test-system-1", "--name", "Test System 1", "--category", "manpads")
# A seed record that the loader refuses after the target types before it were written.
BROKEN = '[[system]]\nslug = "test-system-2"\nname = "Test System 2"\ncategory = "rumour"\n'
# Commands that only read, each on a database that has nothing to show yet.
READS = [
    ("db", "info"),
    ("db", "current"),
    ("system", "list"),
    ("claim", "list", "--json"),
    ("cite", "C-YSESYR2E"),
    ("timeline", "igla-s", "VE"),
    ("export",),
    ("seed", "--dry-run"),
]


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory, where the embedded default lives."""
    monkeypatch.delenv("EQUIPMENT_DB_URL", raising=False)
    monkeypatch.delenv("EQUIPMENT_DB_SEED_DIR", raising=False)
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _broken_seed_dir(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO_ROOT / "seed_data", seeds)
    (seeds / "zz-broken.toml").write_text(BROKEN, encoding="utf-8")
    return seeds


def test_a_failed_first_run_leaves_nothing_and_the_next_run_does_it_again(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EQUIPMENT_DB_SEED_DIR", str(_broken_seed_dir(tmp_path)))
    failed = runner.invoke(app, WRITE)
    assert failed.exit_code == 1, failed.output
    assert failed.stderr.startswith("error: zz-broken.toml: system #1 (test-system-2): category: 'rumour'")
    assert failed.stderr.count("\n") == 1
    assert _files(data_home) == ["equipment-db"]  # its folder; no database, no temporary file

    monkeypatch.delenv("EQUIPMENT_DB_SEED_DIR")
    done = runner.invoke(app, WRITE)
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("First run: created sqlite:///")
    assert "loaded 76 seed records" in done.stderr
    # the write-ahead log and its index are the open connection's; no temporary file is left
    assert [name for name in _files(data_home) if not name.endswith(("-wal", "-shm"))] == [
        "equipment-db", "equipment-db/equipment-db.sqlite3"]  # fmt: skip
    claims = runner.invoke(app, ["claim", "list", "--json"])
    assert claims.exit_code == 0, claims.output
    assert len(json.loads(claims.stdout)) == 39
    systems = {row["slug"] for row in json.loads(runner.invoke(app, ["system", "list", "--json"]).stdout)}
    assert {"igla-s", "fim-92-stinger", "test-system-1"} <= systems


def test_a_blank_file_in_the_default_place_gets_the_first_run(data_home: Path) -> None:
    path = data_home / "equipment-db" / "equipment-db.sqlite3"
    path.parent.mkdir(parents=True)
    path.touch()
    done = runner.invoke(app, WRITE)
    assert done.exit_code == 0, done.output
    assert "First run: created" in done.stderr
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM claim")).scalar_one() == 39
    engine.dispose()
    again = runner.invoke(app, ["target-type", "add", "test-target-1", "--name", "Test Target 1"])
    assert again.exit_code == 0, again.output
    assert "First run" not in again.stderr


def test_a_database_with_tables_in_the_default_place_is_never_replaced(data_home: Path) -> None:
    path = data_home / "equipment-db" / "equipment-db.sqlite3"
    path.parent.mkdir(parents=True)
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE kept (x INTEGER)"))
    engine.dispose()
    result = runner.invoke(app, WRITE)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: database: empty (no schema), this version needs")
    engine = sa.create_engine(f"sqlite:///{path}")
    assert sa.inspect(engine).get_table_names() == ["kept"]
    engine.dispose()


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_on_a_missing_database_says_so_in_one_line_and_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "no" / "such" / "folder" / "x.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", *command])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"error: database: {path} does not exist; run `equipment-db db upgrade` to create it\n"
    assert result.stdout == ""
    assert _files(tmp_path) == []


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_on_the_missing_embedded_default_creates_nothing(data_home: Path, command: tuple[str, ...]) -> None:
    result = runner.invoke(app, list(command))
    assert result.exit_code == 1, result.output
    path = data_home / "equipment-db" / "equipment-db.sqlite3"
    assert result.stderr == (f"error: database: {path} does not exist; `equipment-db serve` (or any command "
                             "that writes) creates it on the first run\n")  # fmt: skip
    assert not data_home.exists()


def test_a_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{path}", "db", "backup", str(tmp_path / "copy.db")])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: database: {path} does not exist")
    assert _files(tmp_path) == []


def test_a_seed_refused_leaves_a_blank_database_blank_on_both_engines(
    dbs: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL has no file to move: migrating and seeding are one transaction there (and on
    SQLite), so a refused seed does not leave a migrated, empty database that reads serve."""
    url = dbs.blank()
    monkeypatch.setenv("EQUIPMENT_DB_SEED_DIR", str(_broken_seed_dir(tmp_path)))
    result = runner.invoke(app, ["--db", url, "seed"])
    assert result.exit_code == 1, result.output
    assert "zz-broken.toml: system #1 (test-system-2)" in result.stderr
    engine = engine_for(url)
    try:
        assert schema_version.current(engine) is None
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    read = runner.invoke(app, ["--db", url, "claim", "list"])
    assert read.exit_code == 1
    assert read.stderr.startswith("error: database: empty (no schema)")
    monkeypatch.delenv("EQUIPMENT_DB_SEED_DIR")
    seeded = runner.invoke(app, ["--db", url, "seed", "--json"])
    assert seeded.exit_code == 0, seeded.output
    assert {row["section"]: row["created"] for row in json.loads(seeded.stdout)}["claim"] == 39
    assert runner.invoke(app, ["--db", url, "db", "current"]).stdout.strip() == f"{schema_version.HEAD} (head)"


def test_db_upgrade_creates_a_missing_sqlite_database_and_its_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'x.db'}"
    result = runner.invoke(app, ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert sqlite_path(url).is_file()  # type: ignore[union-attr]
    assert runner.invoke(app, ["--db", url, "db", "current"]).stdout.strip() == f"{schema_version.HEAD} (head)"
