"""docs/WORDING.md says what the reader does: each qualifier's example reads as that qualifier,
the magnitudes table is the reader's, each refusal example is refused for the reason given,
and every qualifier the corpus uses is documented."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from equipment_db.config import REPO_ROOT
from equipment_db.normalize.wording import MAGNITUDES, WordingNotRead, read_value
from equipment_db.vocab import Qualifier

DOC = (REPO_ROOT / "docs" / "WORDING.md").read_text(encoding="utf-8")
CORPUS = tomllib.loads((Path(__file__).parent / "wording_corpus.toml").read_text(encoding="utf-8"))["case"]


def _table(heading: str) -> list[list[str]]:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("|---")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


QUALIFIER_ROWS = _table("Qualifiers")


def test_every_qualifier_is_documented_once_and_every_corpus_qualifier_is_among_them() -> None:
    documented = [row[0] for row in QUALIFIER_ROWS]
    assert sorted(documented) == sorted(q.value for q in Qualifier)
    assert {case["qualifier"] for case in CORPUS if "qualifier" in case} <= set(documented)


@pytest.mark.parametrize("row", QUALIFIER_ROWS, ids=lambda row: row[0])
def test_each_qualifier_example_reads_as_documented(row: list[str]) -> None:
    example = re.fullmatch(r"`(.+)`", row[3])
    assert example, row
    assert read_value(example.group(1)).qualifier.value == row[0]


def test_the_magnitudes_table_is_the_readers() -> None:
    assert {row[0]: (int(row[1]), int(row[2])) for row in _table("Vague magnitudes")} == MAGNITUDES


@pytest.mark.parametrize("row", _table("Refused"), ids=lambda row: row[0])
def test_each_refusal_example_is_refused_for_the_reason_given(row: list[str]) -> None:
    for example in re.findall(r"`([^`]+)`", row[1]):
        with pytest.raises(WordingNotRead) as refused:
            read_value(example)
        assert refused.value.kind == row[0], example
