"""Values as sources word them are read into numbers, qualifier and unit (no database)."""

from __future__ import annotations

import pytest

from equipment_db.errors import InvalidValue
from equipment_db.normalize.wording import ParsedValue, parse_value
from equipment_db.vocab import Qualifier as Q


@pytest.mark.parametrize(("text", "expected"), [
    ("no less than 5,000", ParsedValue(5000, None, None, None, Q.at_least)),
    ("No fewer than 5,000 in key air defense positions", ParsedValue(5000, None, None, None, Q.at_least)),
    ("more than 5,000", ParsedValue(5000, None, None, None, Q.more_than)),
    ("up to 6 kilometers (3.7 miles)", ParsedValue(6, None, None, "kilometers", Q.up_to)),
    ("about 3.5 km", ParsedValue(3.5, None, None, "km", Q.approximately)),
    ("around $119,320", ParsedValue(119320, None, None, "USD", Q.approximately)),
    ("at least six strikes", ParsedValue(6, None, None, None, Q.at_least)),
    ("eight kilometers", ParsedValue(8, None, None, "kilometers", Q.exact)),
    ("5 miles (8 km)", ParsedValue(5, None, None, "miles", Q.exact)),
    ("500-6000 m", ParsedValue(None, 500, 6000, "m", Q.range)),
    ("between 500 meters and 6 kilometers", ParsedValue(None, 0.5, 6, "kilometers", Q.range)),
    ("1.5 million", ParsedValue(1_500_000, None, None, None, Q.exact)),
    ("6.000 metres", ParsedValue(6000, None, None, "metres", Q.exact)),
    ("“millions” of militia members", ParsedValue(None, None, None, None, Q.unspecified)),
    ("thousands", ParsedValue(None, None, None, None, Q.unspecified)),
])  # fmt: skip
def test_wording_is_read_into_value_qualifier_and_unit(text: str, expected: ParsedValue) -> None:
    assert parse_value(text) == expected


def test_wording_without_a_number_is_rejected_naming_field_and_value() -> None:
    with pytest.raises(InvalidValue, match=r"^value: 'a lot' has no number in it"):
        parse_value("a lot")
