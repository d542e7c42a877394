"""Write docs/CLI.md from the commands' own --help, so the reference cannot drift.

python -m cli.reference            # rewrite docs/CLI.md
python -m cli.reference --check    # exit 1 if docs/CLI.md is stale (tests do this)
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from .main import app

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "CLI.md"
HEADER = """# equipment-db command reference

Generated from each command's `--help` by `python -m cli.reference`; a test fails when
this page is stale. Global options (`--db`, `--editor`) go before the command:
`equipment-db --db postgresql+psycopg://... claim list`.
"""
DATES = """
## Dates

A claim's `--stated` (when it was said) and `--about` (the time it is about) are Extended
Date/Time Format values (EDTF, Library of Congress, levels 0 and 1), stored as written and
exported, imported and served by the API as EDTF text:

Each form, what it means, and the words read as it:

- `2025`, `2025-10`, `2025-10-22`: a year, a month, a day (`October 2025`, `22 October 2025`,
  `Oct. 22, 2025`, `as of 2025-10-22`);
- `2022-03~`: about March 2022 (`about March 2022`, `circa 2022-03`, `c. 2022-03`, `around`);
- `2022?`, `2022%`: possibly 2022, possibly about 2022 (`possibly 2022`, `possibly about 2022`);
- `198X`: the 1980s (`the 1980s`, `1980s`; not `1900s`, a decade or a century: write `190X`
  or `19XX`);
- `2009/2012`, `2022-02/2022-07-27`: a period, whose ends may differ in precision (`2009 to
  2012`, `between 2009 and 2012`, `February 2022 to 27 July 2022`);
- `1997/..`, `../2022-07-27`: since 1997, until 27 July 2022 (`since 1997`, `1997 to present`,
  `until 27 July 2022`);
- `2022-02/`, `/2022-07-27`: an end that is not known (`from February 2022 to an unknown date`).

`--stated` is one date (approximate, uncertain or a decade if need be); a period is refused,
as a claim is made at one time. `--about` is a date or a period. An open or unknown end of
`--about` reaches the last day the claim may have been stated (`since February 2022`, stated
2022-07-27, covers 1 February to 27 July 2022), which the date filters use. Month names are
English, in full or abbreviated. Anything else is refused with one line naming the field, the
value and these forms, never guessed: relative words (`recently`, `last spring`), parts of a
year (`early 2022`, `mid-1980s`), seasons (their months depend on the hemisphere), day/month
orders that read two ways (`07/08/2022`), times of day, and EDTF level 2. Pages and citations
write the dates in words at their precision (`the 1980s`, `about March 2022`, `since 1997`);
CSL-JSON carries the date stated as EDTF (`"event-date": {"edtf": ...}`). The filters
`--stated-from/--stated-to/--about-from/--about-to` take `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

Example: equipment-db claim edit C-YSESYR2E --about "since February 2022" --reason "the period the source gives"
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
    parts = [HEADER, DATES]
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
