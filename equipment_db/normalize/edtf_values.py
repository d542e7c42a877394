"""EDTF values of levels 0 and 1 (Library of Congress, ISO 8601-2), read with the `edtf`
library into `Edtf`: the value as the library writes it, and for each end the date as written,
its qualifiers, and the first and last day it may mean.

    parse_edtf_text("2022-02/2022-07-27")  # lower 2022-02 (1 to 28 February), upper 2022-07-27
    parse_edtf_text("198X")  # 1980-01-01 to 1989-12-31
    parse_edtf_text("1997/..")  # an open end: no last day

A value the library does not read, or one beyond level 1 (a season, whose months depend on the
hemisphere; a time of day; a year outside 1 to 9999; qualified parts, sets, significant
digits), raises `Refusal` with the reason. `dates.read_edtf` is the editors' way in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from equipment_db.vocab import DatePrecision

SEASON = "is a season, whose months depend on the hemisphere (give the months: 2022-03/2022-05)"
OPEN = ".."  # an interval end that is open: `1997/..` goes on
UNKNOWN = ""  # an interval end that is not known: `2022-02/` ended at a time not given
NOT_READ = "is not a date this tool reads without guessing"
LEVEL2 = ("uses EDTF level 2 (qualified parts, sets, significant digits, quarters and other sub-year groupings), "
          "which this tool does not read")  # fmt: skip
_LEVEL0 = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_UNITS = {1: DatePrecision.year, 2: DatePrecision.month, 3: DatePrecision.day}


class Refusal(Exception):
    """A value that is not one EDTF date or interval of levels 0 and 1 without a guess; the
    message is the reason."""


@dataclass(frozen=True)
class Point:
    """One date of an EDTF value (`2022-03~`): as written without its qualifier (`2022-03`,
    `198X`, `2004-XX`), the first and last day it may mean, and whether it is approximate (`~`)
    or uncertain (`?`); `%` is both."""

    digits: str
    first: date
    last: date
    approximate: bool = False
    uncertain: bool = False


End = Point | str  # a Point, OPEN or UNKNOWN


@dataclass(frozen=True)
class Edtf:
    """An EDTF value of level 0 or 1: one date (`lower` is `upper`) or an interval."""

    text: str  # as the library writes it: `2022-02/2022-07-27`, `198X`, `1997/..`
    lower: End
    upper: End
    interval: bool = False

    @property
    def start(self) -> date | None:
        """The first day it may mean; None for an open or unknown start."""
        return self.lower.first if isinstance(self.lower, Point) else None

    @property
    def end(self) -> date | None:
        """The last day it may mean; None for an open or unknown end."""
        return self.upper.last if isinstance(self.upper, Point) else None

    @property
    def precision(self) -> DatePrecision | None:
        """The precision the columns of before EDTF (first day, last day, one precision) say
        this value with, exactly; None when they cannot: a decade or an unspecified part, an
        approximate or uncertain date, an open or unknown end, ends of two precisions."""
        units = {_UNITS[len(end.digits.split("-"))] if isinstance(end, Point) and _LEVEL0.fullmatch(end.digits)
                 and not (end.approximate or end.uncertain) else None for end in (self.lower, self.upper)}  # fmt: skip
        return units.pop() if len(units) == 1 else None

    @property
    def plain(self) -> bool:
        """A date or a closed interval of dates with no qualifier and no unspecified digit."""
        return all(isinstance(end, Point) and _LEVEL0.fullmatch(end.digits) and not (end.approximate or end.uncertain)
                   for end in (self.lower, self.upper))  # fmt: skip


@lru_cache(maxsize=8192)
def parse_edtf_text(text: str) -> Edtf:
    """EDTF text, read with the `edtf` library (a plain date or period of plain dates, the
    most common by far, without it: the library takes milliseconds). Raises Refusal."""
    ends = text.split("/")
    if len(ends) <= 2 and all(_LEVEL0.fullmatch(end) for end in ends):
        points = [_plain_point(end) for end in ends]
        value = Edtf(text, points[0], points[-1], interval=len(points) == 2)
    else:
        value = _library_value(text)
    if value.interval and not isinstance(value.lower, Point) and not isinstance(value.upper, Point):
        raise Refusal("has neither end (give at least one date)")
    if value.start is not None and value.end is not None and value.end < value.start:
        raise Refusal("ends before it starts")
    return value


def _plain_point(digits: str) -> Point:
    parts = [int(part) for part in digits.split("-")]
    if len(parts) == 2 and 21 <= parts[1] <= 24:  # EDTF's seasons
        raise Refusal(SEASON)
    if len(parts) == 2 and 25 <= parts[1] <= 41:  # seasons by hemisphere, quarters, ...: EDTF level 2
        raise Refusal(LEVEL2)
    try:
        first = date(parts[0], *parts[1:2] or [1], *parts[2:3] or [1])
        if len(parts) == 3:
            return Point(digits, first, first)
        last_month = parts[1] if len(parts) == 2 else 12
        return Point(digits, first, date(parts[0], last_month, calendar.monthrange(parts[0], last_month)[1]))
    except ValueError as exc:
        raise Refusal(f"is not a real date ({exc})") from None


def _library_value(text: str) -> Edtf:
    import edtf  # 0.3 s to import: only when a value is not a plain date

    try:
        parsed = edtf.parse_edtf(text)
    except edtf.EDTFParseException:
        raise Refusal(NOT_READ) from None
    if type(parsed) in (edtf.Interval, edtf.Level1Interval):
        return Edtf(str(parsed), _end(parsed.lower), _end(parsed.upper), interval=True)
    point = _library_point(parsed)
    return Edtf(str(parsed), point, point)


def _end(section: Any) -> End:
    import edtf

    if type(section) is edtf.UnspecifiedIntervalSection:
        return OPEN if section.is_open else UNKNOWN
    return _library_point(section)


def _library_point(parsed: Any) -> Point:
    import edtf

    core, qualifier = (parsed.date, parsed.ua) if type(parsed) is edtf.UncertainOrApproximate else (parsed, None)
    if type(core) is edtf.Unspecified:
        qualifier = core.ua
    if isinstance(core, edtf.Season):
        raise Refusal(SEASON)
    if type(core) is edtf.DateAndTime:
        raise Refusal("has a time of day (give the day: 2022-07-27)")
    if isinstance(core, edtf.LongYear) or (type(core) in (edtf.Date, edtf.Unspecified) and core.year.startswith("-")):
        raise Refusal("is outside the years 1 to 9999")
    if type(core) not in (edtf.Date, edtf.Unspecified) or core.significant_digits:
        raise Refusal(LEVEL2)
    try:
        first, last = date(*core.lower_strict()[:3]), date(*core.upper_strict()[:3])
    except ValueError as exc:
        raise Refusal(f"is not a real date ({exc})") from None
    both = bool(qualifier and qualifier.is_uncertain_and_approximate)
    return Point(edtf.Date.__str__(core), first, last, approximate=bool(qualifier and qualifier.is_approximate) or both,
                 uncertain=bool(qualifier and qualifier.is_uncertain) or both)  # fmt: skip
