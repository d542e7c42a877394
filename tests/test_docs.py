"""The docs name every CLI command and setting, and the CLI reference is current."""

from __future__ import annotations

from cli.reference import REFERENCE, command_paths, render
from equipment_db.config import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_cli_reference_is_generated_from_the_current_help() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render(), (
        "docs/CLI.md is stale: run python -m cli.reference"
    )


def test_every_cli_command_is_in_the_readme() -> None:
    paths = [" ".join(path) for path in command_paths() if path]
    assert len(paths) >= 30
    assert [p for p in paths if f"equipment-db {p}" not in README] == []


def test_every_command_help_ends_with_an_example() -> None:
    text = render()
    sections = text.split("\n## ")[1:]
    missing = [s.splitlines()[0] for s in sections if "Example: equipment-db" not in s]
    assert missing == []


def test_every_setting_is_in_the_readme() -> None:
    names = [f"EQUIPMENT_DB_{name.upper()}" for name in Settings.model_fields]
    assert [n for n in names if n not in README] == []
