"""Dates, read and written in one place.

A claim's `stated` (when it was said) and `about` (the time it is about) are Extended
Date/Time Format values (EDTF: Library of Congress, ISO 8601-2), levels 0 and 1, read with the
`edtf` library: `2025-10-22`, `2022-03~` (about), `2022?` (possibly), `198X` (a decade),
`2009/2012`, `2022-02/2022-07-27`, `1997/..` (since), `../2022-07-27` (until), `2022-02/` (end
unknown). The words editors type (`since 1997`, `the 1980s`, `circa 2022`, `27 July 2022`) are
turned into EDTF by the fixed rules of `date_words`; anything else is refused, never guessed.
A value is kept as the library writes it, beside the first and last day it may mean, so that
filters stay plain date comparisons (`Edtf`, `about_range`).

A source's publication date and the date filters are partial dates: `2025`, `2025-10` or
`2025-10-22`, kept as the first day plus a precision (`parse_partial_date`).

The one home of how a date is written: every reader (API rows, CLI tables, citations, pages)
writes a claim's date through `edtf_words` (`the 1980s`, `about March 2022`) or
`edtf_sentence` (`in the 1980s`, `between 2009 and 2012`), a partial date through
`format_date` (or its strict form `format_partial`), and a revision's time through `utc_day`
and `format_moment`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from equipment_db.errors import InvalidValue
from equipment_db.normalize.date_words import MONTH_NAMES, words_to_edtf
from equipment_db.normalize.edtf_values import OPEN, Edtf, Point, Refusal, parse_edtf_text
from equipment_db.vocab import DatePrecision

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_LEADING_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")  # also the date of a timestamp
_PRECISION_PARTS = {"year": 1, "month": 2, "day": 3}


@dataclass(frozen=True)
class PartialDate:
    start: date
    end: date
    precision: DatePrecision

    def __str__(self) -> str:
        return format_partial(self.start, self.precision)


def parse_partial_date(text: str, *, field: str) -> PartialDate:
    match = _PATTERN.match(text.strip())
    if not match:
        raise InvalidValue(field, text, "is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return PartialDate(date(year, 1, 1), date(year, 12, 31), DatePrecision.year)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return PartialDate(date(year, month, 1), date(year, month, last), DatePrecision.month)
        exact = date(year, month, day)
    except ValueError as exc:
        raise InvalidValue(field, text, f"is not a real date ({exc})") from exc
    return PartialDate(exact, exact, DatePrecision.day)


def date_parts(value: date | str | None, precision: str | None = None) -> list[int] | None:
    """[2025], [2025, 10] or [2025, 10, 22]: the date (a date, or text as a snapshot stores it)
    cut to its precision; all the parts given when the precision is unknown; None when there is
    no readable date. Lenient: a citation must render even for a sparse snapshot."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    match = _LEADING_DATE.match(text)
    if not match:
        return None
    parts = [int(group) for group in match.groups() if group]
    return parts[: _PRECISION_PARTS.get(str(precision or ""), len(parts))]


def join_parts(parts: list[int]) -> str:
    """[2025, 10] -> `2025-10`."""
    return "-".join([f"{parts[0]:04d}", *(f"{part:02d}" for part in parts[1:])])


def format_date(value: date | str | None, precision: str | None = None) -> str | None:
    """`2025`, `2025-10` or `2025-10-22`: the date at its precision; None when there is none."""
    parts = date_parts(value, precision)
    return join_parts(parts) if parts else None


@lru_cache(maxsize=4096)  # a timeline formats the same few hundred publication dates
def format_partial(value: date, precision: DatePrecision | str) -> str:
    """`format_date` for a stored date, whose precision must be one of DatePrecision."""
    return format_date(value, DatePrecision(precision).value)  # type: ignore[return-value]


# A claim's dates: EDTF.

STATED_FORMS = ("2025-10-22, 2025-10, 2025, 22 October 2025, October 2025, 2025-10~ or about October 2025, "
                "2025? or possibly 2025, 198X or the 1980s")  # fmt: skip
ABOUT_FORMS = (f"{STATED_FORMS}, 2009/2012, 2022-02/2022-07-27 or February 2022 to 27 July 2022, 1997/.. or "
               "since 1997, ../2022-07-27 or until 27 July 2022, 2022-02/ (end unknown)")  # fmt: skip


def read_edtf(text: str, *, field: str, period: bool = True) -> Edtf:
    """An editor's date as EDTF: EDTF level 0 or 1 as it is, or words turned into it by the
    rules of `date_words`. `period`: intervals are allowed (`about`); without it, only one
    date (`stated`: a claim is stated at one time). InvalidValue, naming `field`, the value and
    the forms accepted, for anything else."""
    given = " ".join(str(text).split())
    try:
        words = words_to_edtf(given)
        value = parse_edtf_text(words if words is not None else given.replace("x", "X"))
        if value.interval and not period:
            raise Refusal("is a period, but a claim is stated at one time (give one date, approximate if need be)")
    except Refusal as refusal:
        forms = ABOUT_FORMS if period else STATED_FORMS
        raise InvalidValue(field, given, f"{refusal}; write it as EDTF or in words: {forms}") from None
    return value


def about_range(about: Edtf, stated: Edtf | None) -> tuple[date | None, date | None]:
    """The first and last day a claim's `about` may mean, as the range columns keep them. An
    open or unknown end stops at the last day the claim may have been stated, which is as far
    as it can speak (`1997/..` stated 2025-10-22: 1997-01-01 to 2025-10-22); without a stated
    date, or with one before the start, that end stays open (None). An open start is None."""
    cap = stated.end if stated is not None else None
    if about.end is None and cap is not None and (about.start is None or cap >= about.start):
        return about.start, cap
    return about.start, about.end


def stored_edtf(text: str | None) -> Edtf | None:
    """A stored EDTF value (already read once); None when there is none or it does not read."""
    if not text:
        return None
    try:
        return parse_edtf_text(str(text).strip())
    except Refusal:
        return None


# Writing a claim's dates.


def _date_words(digits: str) -> tuple[str, str]:
    """(`27 July 2022`, `on`): a date in words and the preposition it takes in a sentence."""
    year, *rest = digits.split("-")
    if "X" in year:
        low, high = int(year.replace("X", "0")), int(year.replace("X", "9"))
        if year.count("X") > 1:
            return f"some year from {low} to {high}", "in"
        return (f"the {low}s" if low % 100 else f"the decade from {low} to {high}"), "in"
    if not rest:
        return year, "in"
    if rest[0] == "XX":
        return (f"some day of {year}", "on") if len(rest) == 2 else (f"some month of {year}", "in")
    month = f"{MONTH_NAMES[int(rest[0]) - 1]} {year}"
    if len(rest) == 1:
        return month, "in"
    return (f"some day of {month}" if rest[1] == "XX" else f"{int(rest[1])} {month}"), "on"


def _point_words(point: Point, *, sentence: bool = False) -> str:
    words, preposition = _date_words(point.digits)
    about = "about " if point.approximate else ""
    text = f"{preposition} {about}{words}" if sentence else f"{about}{words}"
    return f"possibly {text}" if point.uncertain else text


def _interval_words(value: Edtf, *, sentence: bool) -> str:
    lower, upper = value.lower, value.upper
    if not isinstance(upper, Point):
        return f"since {_point_words(lower)}" if upper == OPEN else f"from {_point_words(lower)} to an unknown date"  # type: ignore[arg-type]
    if not isinstance(lower, Point):
        return f"until {_point_words(upper)}" if lower == OPEN else f"from an unknown date to {_point_words(upper)}"
    first, last = _point_words(lower), _point_words(upper)
    if first == last:
        return _point_words(lower, sentence=sentence)
    return f"between {first} and {last}" if sentence else f"{first} to {last}"


def edtf_words(text: str | None) -> str | None:
    """A claim's date in words, its precision visible: `2010`, `October 2025`, `22 October
    2025`, `the 1980s`, `about March 2022`, `possibly 2022`, `since 1997`, `until 27 July
    2022`, `February 2022 to 27 July 2022`. None for no date; stored text that does not read
    is given as it is (a citation must render)."""
    value = stored_edtf(text)
    if value is None:
        return str(text).strip() or None if text else None
    return _interval_words(value, sentence=False) if value.interval else _point_words(value.lower)  # type: ignore[arg-type]


def edtf_sentence(text: str | None) -> str | None:
    """A claim's date as a sentence says it: `in 2010`, `on 22 October 2025`, `in the 1980s`,
    `in about March 2022`, `possibly in 2022`, `between 2009 and 2012`, `since 1997`."""
    value = stored_edtf(text)
    if value is None:
        return str(text).strip() or None if text else None
    if value.interval:
        return _interval_words(value, sentence=True)
    return _point_words(value.lower, sentence=True)  # type: ignore[arg-type]


def iso_date(text: str | None) -> str | None:
    """The value as an ISO 8601 date (`2025`, `2025-10`, `2025-10-22`) when it is one plain
    date, for HTML `<time>` and schema.org; None otherwise."""
    value = stored_edtf(text)
    return value.text if value is not None and value.plain and not value.interval else None


def csl_date(text: str) -> dict[str, Any]:
    """A CSL-JSON date for an EDTF value: the EDTF as it is (`edtf`), with `date-parts` as well
    for a plain date or a closed interval of plain dates, which every CSL processor reads."""
    value = stored_edtf(text)
    item: dict[str, Any] = {"edtf": value.text if value else text}
    if value is not None and value.plain:
        ends = [value.lower, value.upper] if value.interval else [value.lower]
        item["date-parts"] = [[int(part) for part in end.digits.split("-")] for end in ends]  # type: ignore[union-attr]
    return item


# Dates kept as before EDTF: revisions written before migration 0012.


def period_ends(
    start: date | str | None, end: date | str | None, precision: str | None = None
) -> tuple[str | None, str | None]:
    """A period's first and last date as written; the last is None when it reads the same as
    the first (`2010-01-01`..`2010-12-31` at year precision is `2010`, not `2010 to 2010`)."""
    first, last = format_date(start, precision), format_date(end, precision)
    return (first, None) if first and last == first else (first, last)


def legacy_edtf(start: date | str | None, end: date | str | None, precision: str | None) -> str | None:
    """A date kept as before EDTF (first day, last day, one precision) as EDTF: `2009/2012`,
    `2010` (a period that is one date at its precision), `2009/..` without a last day. What
    revisions written before migration 0012 hold; lenient, as a citation must render."""
    first, last = period_ends(start, end, precision)
    if first and last:
        return f"{first}/{last}"
    if first:
        return first if format_date(end, precision) else f"{first}/.."
    return f"../{last}" if last else None


def claim_edtf(record: Mapping[str, Any], name: str) -> str | None:
    """A claim's `stated` or `about` (`name`) as EDTF, from its row or a revision snapshot:
    `{name}_edtf`, or for a revision written before EDTF its columns of then."""
    if f"{name}_edtf" in record:
        value = record[f"{name}_edtf"]
        return str(value).strip() or None if value is not None else None
    if name == "stated":
        return format_date(record.get("stated_on"), record.get("stated_precision"))
    return legacy_edtf(record.get("about_start"), record.get("about_end"), record.get("about_precision"))


def utc_day(moment: datetime) -> date:
    """The day of a moment in UTC (a naive time is taken as UTC): the date a revision is
    cited, shown and listed by."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def format_moment(moment: datetime) -> str:
    """`2025-10-23 14:05 UTC`: a revision's time, to the minute."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return f"{moment:%Y-%m-%d %H:%M} UTC"
