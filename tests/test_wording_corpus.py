"""The wording reader against tests/wording_corpus.toml: real phrasings of numbers, each with
the reading expected of it, or its refusal. No wording may be read as a number it did not say."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from equipment_db.normalize.wording import WordingNotRead, read_value

CORPUS = tomllib.loads((Path(__file__).parent / "wording_corpus.toml").read_text(encoding="utf-8"))["case"]


def _case_id(case: dict) -> str:
    return f"{case['text']!r}" + (f"@{case['language']}" if "language" in case else "")


def _expected(case: dict) -> tuple:
    def number(key: str) -> Decimal | None:
        return Decimal(str(case[key])) if key in case else None

    unit = case.get("unit")
    return case["qualifier"], number("low"), number("high"), None if unit == "year" else unit, unit == "year"


@pytest.mark.parametrize("case", CORPUS, ids=_case_id)
def test_each_wording_is_read_as_the_source_said_it_or_refused(case: dict) -> None:
    if "refused" in case:
        with pytest.raises(WordingNotRead) as refused:
            read_value(case["text"], language=case.get("language"))
        assert refused.value.kind == case["refused"], refused.value.message
        assert refused.value.message.startswith("value: "), refused.value.message
        return
    reading = read_value(case["text"], language=case.get("language"))
    got = (reading.qualifier.value, reading.low, reading.high, reading.unit, reading.year)
    assert got == _expected(case)


def test_the_corpus_is_large_and_varied() -> None:
    refused = [case for case in CORPUS if "refused" in case]
    assert len(CORPUS) >= 200 and len(refused) >= 30
    assert {case.get("qualifier") for case in CORPUS} >= {
        "exact", "approximately", "at_least", "more_than", "just_over", "at_most", "less_than", "nearly", "up_to",
        "range", "magnitude", "unspecified"}  # fmt: skip
