"""Partial dates: `2025`, `2025-10` or `2025-10-22`, keeping the precision.

A partial date is stored as its first day plus a precision; a period (`2009/2012`)
as first and last day. Both bounds make range filters plain date comparisons.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from equipment_db.errors import InvalidValue
from equipment_db.vocab import DatePrecision

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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


def format_partial(value: date, precision: DatePrecision | str) -> str:
    precision = DatePrecision(precision)
    if precision is DatePrecision.year:
        return f"{value.year:04d}"
    if precision is DatePrecision.month:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def format_period(start: date, end: date, precision: DatePrecision | str) -> str:
    first = format_partial(start, precision)
    last = format_partial(end, precision)
    return first if first == last else f"{first}/{last}"
