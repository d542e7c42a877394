"""An editor's value options and a record's `value` become a claim's value columns through the
one wording reader, in the language of the claim's sources (tests/test_wording_corpus.py holds
the readings themselves)."""

from __future__ import annotations

import pytest

from cli.claims import value_options
from equipment_db.claims.rules import value_columns, wording_language
from equipment_db.claims.text import counted_words
from equipment_db.normalize.wording import WordingNotRead
from equipment_db.vocab import ClaimKind, Counted
from equipment_db.vocab import Qualifier as Q


def _columns(value: str, *, language: str | None = None, **options: object) -> dict[str, object]:
    given: dict[str, object] = {"quantity": None, "low": None, "high": None, "unit": None, "qualifier": None,
                                "value_text": None} | options  # fmt: skip
    fields = value_options(value, **given)  # type: ignore[arg-type]
    columns = value_columns(fields | {"kind": ClaimKind.specification}, None, language=language)
    return {"value_text": fields.get("value_text")} | columns  # value_text passes as given (rules.normalise)


VALUE = ("value_low", "value_high", "unit", "original_unit", "original_low", "original_high", "qualifier")


@pytest.mark.parametrize(("text", "expected"), [
    ("no less than 5,000", (5000.0, None, None, None, "5000", None, Q.at_least)),
    ("up to 6 kilometers (3.7 miles)", (None, 6000.0, "m", "km", None, "6", Q.up_to)),
    ("about 7.5 to 8 kilometers", (7500.0, 8000.0, "m", "km", "7.5", "8", Q.approximately)),
    ("nearly 2,000", (None, 2000.0, None, None, None, "2000", Q.nearly)),
    ("two hundred missiles", (200.0, 200.0, None, None, "200", "200", Q.exact)),
    ("hundreds", (200.0, 999.0, None, None, "200", "999", Q.magnitude)),
    ("Mach 2.2", (748.66, 748.66, "m/s", "Mach", "2.2", "2.2", Q.exact)),
    ("2100 km/h", (583.333333333, 583.333333333, "m/s", "km/h", "2100", "2100", Q.exact)),
])  # fmt: skip
def test_a_worded_value_sets_the_columns_it_says_keeping_the_source_numbers_and_words(
    text: str, expected: tuple
) -> None:  # fmt: skip
    columns = _columns(text)
    assert tuple(columns[k] for k in VALUE) == expected
    assert columns["value_text"] == text


def test_explicit_options_win_over_the_words_which_are_kept_as_the_source_words() -> None:
    columns = _columns("about 200", quantity=210.0, qualifier=Q.exact, value_text="about 200 (the speech)")
    assert (columns["value_low"], columns["qualifier"], columns["value_text"]) == (210.0, Q.exact,
                                                                                  "about 200 (the speech)")
    columns = _columns("about two hundred", quantity=200.0)  # words with a number: not read, kept
    assert (columns["value_low"], columns["value_text"]) == (200.0, "about two hundred")


def test_the_source_language_decides_a_separator_that_reads_two_ways() -> None:
    assert _columns("5.000", language="de")["value_low"] == 5000.0
    assert _columns("1,500", language="de")["value_low"] == 1.5
    assert _columns("1,500", language="en")["value_low"] == 1500.0
    for language in (None, "en"):
        with pytest.raises(WordingNotRead) as refused:
            _columns("5.000", language=language)
        assert refused.value.kind == "ambiguous" and "the source's language decides" in refused.value.message


def test_the_wording_language_is_the_sources_language_when_they_agree() -> None:
    assert wording_language(["de", "de-AT", None]) == "de"
    assert wording_language(["de", "en"]) is None  # they disagree: nothing is guessed
    assert wording_language([None, " "]) is None


def test_a_half_read_wording_is_refused_with_what_was_understood_and_the_explicit_options() -> None:
    with pytest.raises(WordingNotRead) as refused:
        _columns("at least 5,000, possibly 7,000")
    message = refused.value.message
    assert message.startswith("value: 'at least 5,000, possibly 7,000' cannot be read: ")
    assert "understood so far: 'at least 5000'" in message
    assert "--quantity" in message and "--value-low/--value-high" in message and "value_text" in message


def test_words_with_the_qualifier_unspecified_are_kept_without_a_number() -> None:
    fields = value_options("a large number of", None, None, None, None, Q.unspecified, None)
    columns = value_columns(fields | {"kind": ClaimKind.inventory, "counted": Counted.missiles}, None)
    assert (columns["value_low"], columns["value_high"], columns["qualifier"], columns["value_text"]) == (
        None, None, Q.unspecified, "a large number of")  # fmt: skip


@pytest.mark.parametrize(("counted", "low", "high", "expected"), [
    ("missiles", 1, 1, "missile"), ("missiles", 1, None, "missile"), ("missiles", 2, 2, "missiles"),
    ("firing_units", 1, 1, "firing unit"), ("firing_units", 3, 3, "firing units"), ("aircraft", 1, 1, "aircraft"),
    ("personnel", 1, 1, "personnel"), ("launchers", 1, 5, "launchers"), (None, 1, 1, None),
])  # fmt: skip
def test_a_count_names_what_it_counts_in_words_and_one_of_them_in_the_singular(
    counted: str | None, low: float | None, high: float | None, expected: str | None
) -> None:
    assert counted_words(counted, low, high) == expected
