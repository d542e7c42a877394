"""Units, countries, partial dates, names, URLs and public ids (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from equipment_db.errors import InvalidValue
from equipment_db.normalize.countries import country_code
from equipment_db.normalize.dates import parse_partial_date, read_edtf
from equipment_db.normalize.names import name_key
from equipment_db.normalize.units import convert
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import new_public_id, normalise_public_id
from equipment_db.vocab import DatePrecision


@pytest.mark.parametrize(
    ("value", "unit", "expected", "canonical"),
    [
        (6, "km", 6000.0, "m"),
        (5, "mi", 8046.72, "m"),
        (3.7, "miles", 5954.5728, "m"),
        (10, "kg", 10.0, "kg"),
        (22, "lb", 9.979032134, "kg"),
        (700, "m/s", 700.0, "m/s"),
        (100, "km/h", 27.777777778, "m/s"),
        (119320, "USD", 119320.0, "USD"),
    ],
)
def test_units_convert_to_the_canonical_unit(
    value: float, unit: str, expected: float, canonical: str
) -> None:
    converted = convert(value, None, unit)
    assert converted.low == pytest.approx(expected)
    assert converted.unit == canonical


def test_conversion_keeps_the_original_unit() -> None:
    assert convert(6, None, "kilometers").original_unit == "km"


def test_unknown_unit_is_rejected_naming_field_and_value() -> None:
    with pytest.raises(InvalidValue, match=r"^unit: 'furlongz' is not a unit"):
        convert(1, None, "furlongz")


def test_unit_of_the_wrong_dimension_is_rejected() -> None:
    with pytest.raises(InvalidValue, match=r"unit: 'kg' has dimension \[mass\]; expected \[length\]"):
        convert(1, None, "kg", expect_dimension="[length]")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Venezuela", "VE"),
        ("VE", "VE"),
        ("ven", "VE"),
        ("venezuela", "VE"),
        ("Russia", "RU"),
        ("United States", "US"),
        ("USA", "US"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
    ],
)
def test_countries_are_stored_as_iso_codes(text: str, code: str) -> None:
    assert country_code(text) == code


def test_unknown_country_is_rejected_naming_field_and_value() -> None:
    with pytest.raises(InvalidValue, match=r"^counterparty_country: 'Narnia' is not an ISO 3166"):
        country_code("Narnia", field="counterparty_country")


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31), DatePrecision.year),
        ("2025-10", date(2025, 10, 1), date(2025, 10, 31), DatePrecision.month),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), DatePrecision.month),
        ("2025-10-22", date(2025, 10, 22), date(2025, 10, 22), DatePrecision.day),
    ],
)
def test_partial_dates_keep_their_precision(
    text: str, start: date, end: date, precision: DatePrecision
) -> None:
    parsed = parse_partial_date(text, field="stated")
    assert (parsed.start, parsed.end, parsed.precision) == (start, end, precision)
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("22/10/2025", "is not a date"),
        ("2025-13", "is not a real date"),
        ("2025-02-30", "is not a real date"),
        ("last week", "is not a date"),
    ],
)
def test_bad_dates_are_rejected(text: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=rf"^stated: '{text}' {reason}"):
        parse_partial_date(text, field="stated")


def test_periods_span_from_first_to_last_day_and_may_mix_precisions() -> None:
    period = read_edtf("2009/2012", field="about")
    assert (period.start, period.end, period.precision) == (date(2009, 1, 1), date(2012, 12, 31), DatePrecision.year)
    mixed = read_edtf("2012/2013-05", field="about")  # refused before EDTF: "mixes precisions"
    assert (mixed.text, mixed.start, mixed.end, mixed.precision) == ("2012/2013-05", date(2012, 1, 1),
                                                                     date(2013, 5, 31), None)  # fmt: skip
    with pytest.raises(InvalidValue, match="ends before it starts"):
        read_edtf("2012/2009", field="about")


def test_name_keys_ignore_case_and_punctuation() -> None:
    assert name_key("SA-24 “Grinch”") == name_key("sa24 grinch") == "sa24grinch"
    assert name_key("FIM-92") == name_key("fim 92")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (
            "https://www.trtworld.com:443/article/9b3ac3419ff8",
            "https://www.trtworld.com/article/9b3ac3419ff8",
        ),
        ("HTTPS://Example.ORG/a?utm_source=x&b=1#frag", "https://example.org/a?b=1"),
        ("https://example.org/video?rss", "https://example.org/video?rss"),
        ("http://example.org:8080", "http://example.org:8080/"),
    ],
)
def test_urls_are_normalised(raw: str, normal: str) -> None:
    assert normalise_url(raw) == normal


def test_non_http_url_is_rejected() -> None:
    with pytest.raises(InvalidValue, match=r"^url: 'ftp://example.org/x' is not an http\(s\) URL"):
        normalise_url("ftp://example.org/x")


def test_public_ids_are_short_and_forgiving_to_retype() -> None:
    public_id = new_public_id("claim")
    assert len(public_id) == 10 and public_id.startswith("C-")
    assert normalise_public_id(public_id.lower().replace("-", ""), "claim") == public_id
    assert normalise_public_id("c-7k3q9xz2", "claim") == "C-7K3Q9XZ2"
    assert normalise_public_id("C-7K3Q9XZO", "claim") == "C-7K3Q9XZ0"  # O read as 0
    with pytest.raises(InvalidValue, match="is not a claim id"):
        normalise_public_id("S-7K3Q9XZ2", "claim")
