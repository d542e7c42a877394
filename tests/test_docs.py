"""The README documents every CLI command and every setting, so neither goes stale."""

from __future__ import annotations

import typer.main

from cli.main import app
from equipment_db.config import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _command_paths(command, prefix: tuple[str, ...] = ()) -> list[str]:  # type: ignore[no-untyped-def]
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [" ".join(prefix)]
    paths = []
    for name, sub in sorted(subcommands.items()):
        paths += _command_paths(sub, (*prefix, name))
    return paths


def test_every_cli_command_is_in_the_readme() -> None:
    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) >= 5
    assert [p for p in paths if f"equipment-db {p}" not in README] == []


def test_every_setting_is_in_the_readme() -> None:
    names = [f"EQUIPMENT_DB_{name.upper()}" for name in Settings.model_fields]
    assert [n for n in names if n not in README] == []
