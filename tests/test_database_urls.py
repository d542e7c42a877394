"""Database URLs: `postgresql://` and `postgres://` mean psycopg 3, the driver installed; a
password is masked in every command's output, on success and on every error path."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner, Result

from cli.main import app
from equipment_db.config import shown_url, with_driver
from tests.dbs import DatabaseFactory

runner = CliRunner()
SECRET = "s3cr3t-Pw"


@pytest.fixture(scope="module")
def pg_seeded(_factories: dict[str, DatabaseFactory | str]) -> str:
    """One seeded PostgreSQL database for this module's commands, which only read."""
    factory = _factories["postgresql"]
    if isinstance(factory, str):
        pytest.skip(factory)
    return factory.seeded()


def _everything(result: Result) -> str:
    """stdout, stderr and any exception the runner caught, with its traceback."""
    caught = "" if result.exception is None or isinstance(result.exception, SystemExit) else repr(result.exception)
    return result.stdout + result.stderr + caught


@pytest.mark.parametrize(
    ("given", "meant"),
    [
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgres://u:pw@h/db", "postgresql+psycopg://u:pw@h/db"),
        ("POSTGRES://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_a_postgresql_url_without_a_driver_means_psycopg(given: str, meant: str) -> None:
    assert with_driver(given) == meant


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_both_postgresql_spellings_open_the_real_database(pg_seeded: str, scheme: str) -> None:
    url = make_url(pg_seeded).set(drivername=scheme).render_as_string(hide_password=False)
    assert url.startswith(f"{scheme}://")
    info = runner.invoke(app, ["--db", url, "db", "info", "--json"])
    assert info.exit_code == 0, info.output
    record = json.loads(info.stdout)
    assert record["engine"] == "postgresql" and record["up_to_date"] is True
    assert record["url"].startswith("postgresql+psycopg://")
    claims = runner.invoke(app, ["--db", url, "claim", "list", "--json"])
    assert claims.exit_code == 0, claims.output
    assert len(json.loads(claims.stdout)) == 39


def test_shown_url_masks_the_password_even_in_a_url_sqlalchemy_cannot_read() -> None:
    assert shown_url(f"postgresql+psycopg://u:{SECRET}@h/db") == "postgresql+psycopg://u:***@h/db"
    assert shown_url(f"postgresql://u:{SECRET}@h:port/db") == "postgresql://u:***@h:port/db"


# Each command, with a URL holding a password, on a reachable database (trust authentication
# accepts any password) and on the error paths.
READS = [
    ("db", "info"),
    ("db", "info", "--json"),
    ("db", "current"),
    ("system", "list"),
    ("claim", "list", "--json"),
    ("seed", "--dry-run"),
    ("system", "show", "no-such-system"),
    ("--help",),
]


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_password_is_never_shown_by_a_command_on_a_reachable_database(
    pg_seeded: str, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url(pg_seeded).set(drivername="postgresql", password=SECRET).render_as_string(hide_password=False)
    monkeypatch.setenv("EQUIPMENT_DB_URL", url)
    result = runner.invoke(app, list(command))
    assert result.exit_code in (0, 1), result.output
    assert SECRET not in _everything(result)
    if command[:2] == ("db", "info"):
        assert "postgres:***@" in result.stdout


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://someone:{SECRET}@127.0.0.1:1/none",  # nothing listens on port 1
        f"postgres://someone:{SECRET}@127.0.0.1:not-a-port/none",
        f"postgresql+nodriver://someone:{SECRET}@127.0.0.1/none",
        f"not a url :{SECRET}@",
    ],
    ids=["unreachable", "bad-port", "unknown-driver", "not-a-url"],
)
@pytest.mark.parametrize(
    "command",
    [("db", "info"), ("db", "current"), ("db", "upgrade"), ("system", "list"), ("seed",),
     ("system", "add", "test-system-1", "--name", "Test System 1", "--category", "manpads")],
    ids=" ".join,
)  # fmt: skip
def test_a_password_is_never_shown_on_an_error_path(url: str, command: tuple[str, ...]) -> None:
    result = runner.invoke(app, ["--db", url, *command])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: database")
    assert result.stderr.count("\n") == 1, result.stderr
    assert SECRET not in _everything(result)
