"""The CLI starts cheaply: `--version` and `--help` import no command module and none of the
library's heavy dependencies; a command imports only its own module; a driver error of any
kind is one stderr line and exit 1. bench/cli_start.py measures the times (no timing here)."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy.exc
import typer.main
from typer.testing import CliRunner

from cli.main import COMMANDS, Lazy, app
from equipment_db.config import REPO_ROOT

runner = CliRunner()
HEAVY = {"sqlalchemy", "sqlmodel", "alembic", "pydantic", "pydantic_settings", "pint", "fastapi", "citeproc",
         "bs4", "httpx", "psycopg", "uvicorn"}  # fmt: skip
# Runs the CLI in a fresh interpreter, then writes the names of every module it imported to stderr.
PROBE = """
import json, sys
from cli.main import app
try:
    app(sys.argv[1:], prog_name="equipment-db")
finally:
    sys.stderr.write(json.dumps(sorted(sys.modules)))
"""


def _imported_by(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          env={"NO_COLOR": "1", "TERM": "dumb", "PATH": ""}, timeout=60)  # fmt: skip
    assert done.returncode in (0, 2), done.stderr
    modules = json.loads(done.stderr.splitlines()[-1])
    return {name for name in modules if name.startswith(("cli.", "equipment_db")) or name in HEAVY}


@pytest.mark.parametrize("args", [["--version"], ["--help"], []], ids=["version", "help", "no-args"])
def test_version_and_help_import_no_command_and_no_heavy_library(args: list[str]) -> None:
    assert _imported_by(*args) == {"cli.main", "cli.state", "equipment_db", "equipment_db.errors"}


def test_a_command_imports_its_own_module_only() -> None:
    loaded = _imported_by("claim", "--help")
    assert {name for name in loaded if name.startswith("cli.")} == {
        "cli.main", "cli.state", "cli.claims", "cli.options", "cli.output"
    }


def test_each_listed_help_is_the_first_paragraph_of_the_commands_own_help() -> None:
    group = typer.main.get_command(app)
    for name, lazy in COMMANDS.items():
        own = inspect.cleandoc(group.commands[name].help or "").split("\n\n")[0].replace("\n", " ")
        assert lazy.help == own, f"{name}: update its help in cli/main.py COMMANDS"


def test_help_lists_every_command_in_order() -> None:
    result = runner.invoke(app, ["--help"], env={"NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^│ ([a-z-]+) ", result.stdout.split("Commands")[1], flags=re.MULTILINE)
    assert listed == list(COMMANDS)


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion() -> None:
    result = runner.invoke(app, ["clam"])
    assert result.exit_code == 2
    assert "No such command 'clam'. Did you mean 'claim'?" in result.output


class _PgError(Exception):
    """What psycopg raises: a SQLSTATE, and diagnostics naming the column."""

    def __init__(self, message: str, sqlstate: str, column: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.diag = SimpleNamespace(column_name=column, constraint_name=None, table_name=None)


def _invoke_raising(monkeypatch: pytest.MonkeyPatch, error: BaseException):  # type: ignore[no-untyped-def]
    """Run a command (loaded lazily like the others) that fails with `error`."""

    def fails() -> None:
        """Fail as a driver would."""
        raise error

    monkeypatch.setattr(sys.modules[__name__], "fails", fails, raising=False)
    monkeypatch.setitem(COMMANDS, "fails", Lazy(__name__, "fails", "Fail as a driver would."))
    return runner.invoke(app, ["fails"])


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (sqlalchemy.exc.IntegrityError("INSERT INTO system ...", {}, Exception("UNIQUE constraint failed: system.slug")),
         "error: system.slug: is already taken (UNIQUE constraint failed: system.slug)"),
        (sqlalchemy.exc.DataError("UPDATE source ...", {},
                                  _PgError("value too long for type character varying(10)\nLINE 1", "22001", "title")),
         "error: title: is longer than its column holds (value too long for type character varying(10))"),
        (sqlalchemy.exc.ProgrammingError("SELECT ...", {}, Exception("no such table: claim")),
         "error: database: no such table: claim"),
    ],
    ids=["integrity", "data", "programming"],
)  # fmt: skip
def test_any_driver_error_is_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch, error: Exception,
                                                 line: str) -> None:  # fmt: skip
    result = _invoke_raising(monkeypatch, error)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"{line}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_an_unexpected_error_is_not_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _invoke_raising(monkeypatch, RuntimeError("a bug"))
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


@pytest.mark.slow
def test_the_start_up_benchmark_prints_each_figure_with_its_ratio() -> None:
    bench = Path(REPO_ROOT) / "bench" / "cli_start.py"
    done = subprocess.run([sys.executable, str(bench), "--runs", "1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = dict(re.findall(r"^(\S.*?)\s+\d+ms\s+(\d+\.\d\d)x$", done.stdout, flags=re.MULTILINE))
    assert list(figures) == ['python -c "import typer"', "equipment-db --version", "equipment-db --help",
                             "equipment-db claim list", "equipment-db claim list --json"], done.stdout  # fmt: skip
    assert figures['python -c "import typer"'] == "1.00"
