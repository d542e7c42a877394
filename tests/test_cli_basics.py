"""The minimal CLI: db upgrade/current/info, seed, claim list; errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from cli.main import app
from equipment_db import schema_version
from tests.dbs import DatabaseFactory, db_state, engine_for

runner = CliRunner()


def invoke(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", url, *args])


def test_db_upgrade_then_current_reports_head(dbs: DatabaseFactory) -> None:
    url = dbs.blank()
    if dbs.name == "sqlite":  # a blank SQLite database is a file not made yet, which a read never makes
        Path(make_url(url).database).touch()
    result = invoke(url, "db", "current")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"none (behind head {schema_version.HEAD})"
    result = invoke(url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert f"-> {schema_version.HEAD}" in result.stderr
    assert invoke(url, "db", "current").stdout.strip() == f"{schema_version.HEAD} (head)"
    assert "Already at" in invoke(url, "db", "upgrade").stderr


def test_db_info_json_gives_engine_revision_and_counts(dbs: DatabaseFactory) -> None:
    result = invoke(dbs.seeded(), "db", "info", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["engine"] == dbs.name and info["up_to_date"] is True
    assert info["schema_revision"] == schema_version.HEAD
    assert info["rows"]["claim"] == 39 and info["rows"]["source"] == 18


def test_seed_dry_run_writes_nothing(dbs: DatabaseFactory) -> None:
    url = dbs.migrated()
    engine = engine_for(url)
    before = db_state(engine)
    result = invoke(url, "seed", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    report = {row["section"]: row for row in json.loads(result.stdout)}
    assert report["claim"]["created"] == 39
    assert db_state(engine) == before
    engine.dispose()


def test_seed_migrates_a_blank_database_then_is_idempotent(dbs: DatabaseFactory) -> None:
    url = dbs.blank()
    first = invoke(url, "seed", "--json")
    assert first.exit_code == 0, first.output
    second = invoke(url, "seed", "--json")
    assert [row["created"] + row["updated"] for row in json.loads(second.stdout)] == [0] * 6


def test_claim_list_filters_by_alias_and_country_name(dbs: DatabaseFactory) -> None:
    result = invoke(
        dbs.seeded(), "claim", "list", "--system", "sa-24 grinch", "--country", "Venezuela", "--json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {row["id"] for row in rows} >= {"C-YSESYR2E", "C-GEPDCDFB", "C-RZ15HDBW"}
    maduro = next(row for row in rows if row["id"] == "C-YSESYR2E")
    assert maduro["value"] == "at least 5,000 missiles" and maduro["stated"] == "2025-10-22"


def test_user_error_is_one_line_naming_field_and_value_with_exit_1(dbs: DatabaseFactory) -> None:
    result = invoke(dbs.seeded(), "claim", "list", "--country", "Narnia")
    assert result.exit_code == 1
    assert result.stderr == "error: country: 'Narnia' is not an ISO 3166 country code or name\n"
    assert result.stdout == ""


def test_reading_an_unmigrated_database_says_which_command_fixes_it(dbs: DatabaseFactory) -> None:
    result = invoke(dbs.blank(), "claim", "list")
    assert result.exit_code == 1
    assert "run `equipment-db db upgrade`" in result.stderr


def test_usage_error_exits_2() -> None:
    result = runner.invoke(app, ["claim", "list", "--kind", "rumour"])
    assert result.exit_code == 2


def test_unreachable_database_is_a_clean_error() -> None:
    result = runner.invoke(app, ["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", "current"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: database: ")
    assert "Traceback" not in result.output


def test_first_run_on_the_embedded_default_creates_migrates_and_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EQUIPMENT_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    missing = runner.invoke(app, ["db", "info", "--json"])
    assert missing.exit_code == 1 and missing.stderr.startswith(f"error: database: {tmp_path}")
    result = runner.invoke(app, ["target-type", "add", "test-target-1", "--name", "Test Target 1"])
    assert result.exit_code == 0, result.output
    assert "First run: created" in result.stderr
    assert len(json.loads(runner.invoke(app, ["claim", "list", "--json"]).stdout)) == 39
    info = json.loads(runner.invoke(app, ["db", "info", "--json"]).stdout)
    assert info["embedded_default"] is True and info["path"].startswith(str(tmp_path))
    engine = sa.create_engine(f"sqlite:///{info['path']}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM claim")).scalar_one() == 39
    engine.dispose()


def test_every_command_help_ends_with_an_example() -> None:
    for args in (["db", "info"], ["db", "upgrade"], ["db", "current"], ["seed"], ["claim", "list"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example: equipment-db" in result.stdout, args
