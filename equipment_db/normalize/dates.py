"""Partial dates: `2025`, `2025-10` or `2025-10-22`, keeping the precision.

A partial date is stored as its first day plus a precision; a period (`2009/2012`)
as first and last day. Both bounds make range filters plain date comparisons.

The one home of how a date is written: every reader (API rows, CLI tables, citations,
pages) writes a date through `format_date` (or its strict form `format_partial`), a
period's ends through `period_ends`, and a revision's time through `utc_day` and
`format_moment`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from equipment_db.errors import InvalidValue
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


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    precision: DatePrecision

    def __str__(self) -> str:
        return format_period(self.start, self.end, self.precision)


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


def parse_period(text: str, *, field: str) -> Period:
    """`2009`, `2025-10-22`, or `START/END` with both ends at the same precision."""
    if "/" not in text:
        single = parse_partial_date(text, field=field)
        return Period(single.start, single.end, single.precision)
    first, _, last = text.partition("/")
    start = parse_partial_date(first, field=field)
    end = parse_partial_date(last, field=field)
    if start.precision != end.precision:
        raise InvalidValue(field, text, "mixes precisions; give both ends as YYYY, YYYY-MM or YYYY-MM-DD")
    if end.end < start.start:
        raise InvalidValue(field, text, "ends before it starts")
    return Period(start.start, end.end, start.precision)


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


def format_partial(value: date, precision: DatePrecision | str) -> str:
    """`format_date` for a stored date, whose precision must be one of DatePrecision."""
    return format_date(value, DatePrecision(precision).value)  # type: ignore[return-value]


def period_ends(
    start: date | str | None, end: date | str | None, precision: str | None = None
) -> tuple[str | None, str | None]:
    """A period's first and last date as written; the last is None when it reads the same as
    the first (`2010-01-01`..`2010-12-31` at year precision is `2010`, not `2010 to 2010`)."""
    first, last = format_date(start, precision), format_date(end, precision)
    return (first, None) if first and last == first else (first, last)


def format_period(start: date, end: date, precision: DatePrecision | str) -> str:
    """`2009/2012`, or `2010` for a period that is one date at its precision."""
    precision = DatePrecision(precision).value
    first, last = period_ends(start, end, precision)
    return f"{first}/{last}" if last else first  # type: ignore[return-value]


def describe_period(start: date | str | None, end: date | str | None, precision: str | None = None) -> str | None:
    """A period in words: `in 2010`, `between 2009 and 2012`, `since 2009`, `until 2012`; None
    when neither end is readable. The claim sentence and the claim page both say it so."""
    first, last = period_ends(start, end, precision)
    if first and last:
        return f"between {first} and {last}"
    if first:
        return f"in {first}" if format_date(end, precision) else f"since {first}"
    return f"until {last}" if last else None


def utc_day(moment: datetime) -> date:
    """The day of a moment in UTC (a naive time is taken as UTC): the date a revision is
    cited, shown and listed by."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def format_moment(moment: datetime) -> str:
    """`2025-10-23 14:05 UTC`: a revision's time, to the minute."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment
    return f"{moment:%Y-%m-%d %H:%M} UTC"
