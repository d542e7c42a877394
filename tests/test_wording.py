"""An editor's value options become a claim's value fields through the one wording reader
(tests/test_wording_corpus.py holds the readings themselves)."""

from __future__ import annotations

import pytest

from equipment_db.normalize.wording import WordingNotRead, value_fields
from equipment_db.vocab import Qualifier as Q


def _fields(value: str, **options: object) -> dict[str, object]:
    given: dict[str, object] = {"quantity": None, "low": None, "high": None, "unit": None, "qualifier": None,
                                "value_text": None} | options  # fmt: skip
    return value_fields(value, **given)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [
    ("no less than 5,000", {"value": None, "value_low": 5000.0, "value_high": None, "qualifier": Q.at_least}),
    ("up to 6 kilometers (3.7 miles)", {"value": None, "value_low": None, "value_high": 6.0, "unit": "km",
                                        "qualifier": Q.up_to}),
    ("about 7.5 to 8 kilometers", {"value": None, "value_low": 7.5, "value_high": 8.0, "unit": "km",
                                   "qualifier": Q.approximately}),
    ("nearly 2,000", {"value": None, "value_low": None, "value_high": 2000.0, "qualifier": Q.nearly}),
    ("two hundred missiles", {"value": 200.0, "value_low": None, "value_high": None, "qualifier": Q.exact}),
    ("hundreds", {"value": None, "value_low": 200.0, "value_high": 999.0, "qualifier": Q.magnitude}),
    ("Mach 2.2", {"value": 2.2, "value_low": None, "value_high": None, "unit": "mach", "qualifier": Q.exact}),
])  # fmt: skip
def test_a_worded_value_sets_the_fields_it_says_and_keeps_the_words(text: str, expected: dict) -> None:
    fields = _fields(text)
    assert {k: v for k, v in fields.items() if k != "value_text"} == expected
    assert fields["value_text"] == text


def test_explicit_options_win_over_what_was_read() -> None:
    fields = _fields("about 200", quantity=210.0, qualifier=Q.exact, value_text="about 200 (the speech)")
    assert (fields["value"], fields["qualifier"], fields["value_text"]) == (210.0, Q.exact, "about 200 (the speech)")


def test_a_half_read_wording_is_refused_with_what_was_understood_and_the_explicit_options() -> None:
    with pytest.raises(WordingNotRead) as refused:
        _fields("at least 5,000, possibly 7,000")
    message = refused.value.message
    assert message.startswith("value: 'at least 5,000, possibly 7,000' cannot be read: ")
    assert "understood so far: 'at least 5000'" in message
    assert "--quantity" in message and "--value-low/--value-high" in message and "value_text" in message
