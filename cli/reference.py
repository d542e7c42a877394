"""Write docs/CLI.md from the commands' own --help, so the reference cannot drift.

python -m cli.reference            # rewrite docs/CLI.md
python -m cli.reference --check    # exit 1 if docs/CLI.md is stale (tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from cli.main import app

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "CLI.md"
HEADER = """# equipment-db command reference

Generated from each command's `--help` by `python -m cli.reference`; a test fails when
this page is stale. Global options (`--db`, `--editor`) go before the command:
`equipment-db --db postgresql+psycopg://... claim list`.
"""


def command_paths(command=None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    """Every command, depth first, groups before their commands."""
    command = command or typer.main.get_command(app)
    paths = [prefix]
    for name in getattr(command, "commands", {}):
        paths += command_paths(command.commands[name], (*prefix, name))
    return paths


def render() -> str:
    runner = CliRunner()
    parts = [HEADER]
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], env={"NO_COLOR": "1", "TERM": "dumb"}, color=False)
        title = " ".join(("equipment-db", *path))
        text = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts.append(f"\n## `{title}`\n\n```text\n{text}\n```\n")
    return "".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if REFERENCE.read_text(encoding="utf-8") == text else 1)
    REFERENCE.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
