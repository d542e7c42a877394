"""Helpers shared by the CLI tests: run a command in-process, check refusals write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from cli.main import app
from tests.dbs import db_state, engine_for

runner = CliRunner()
EDITOR = "test-editor"
_engines: dict[str, sa.Engine] = {}


def cli(url: str, *args: str, input: str | None = None) -> Result:
    return runner.invoke(app, ["--db", url, "--editor", EDITOR, *args], input=input)


def explain(result: Result) -> str:
    return f"exit {result.exit_code}\n{result.output}{result.exception!r}"


def ok(url: str, *args: str, input: str | None = None) -> Result:
    result = cli(url, *args, input=input)
    assert result.exit_code == 0, explain(result)
    return result


def read_json(url: str, *args: str) -> Any:
    return json.loads(ok(url, *args, "--json").stdout)


def lines(text: str) -> list[str]:
    """Output lines with runs of white space (table padding) folded to one space."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    yield
    while _engines:
        _engines.popitem()[1].dispose()


def state(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (one engine per database, disposed after the test)."""
    if url not in _engines:
        _engines[url] = engine_for(url)
    return db_state(_engines[url])


def assert_refused(url: str, *args: str, message: str) -> None:
    """Exit 1, exactly `error: <message>` on stderr, nothing on stdout, nothing written."""
    before = state(url)
    result = cli(url, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n"), explain(result)
    assert state(url) == before


def assert_each_refused(url: str, cases: list[tuple[str, list[str], str]]) -> None:
    """`assert_refused` for each (case, args, message) in turn, on one database."""
    before = state(url)
    for case, args, message in cases:
        result = cli(url, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: {message}\n"), (
            f"{case}: {explain(result)}"
        )
        assert state(url) == before, case
