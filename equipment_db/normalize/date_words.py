"""The plain words an editor types for a date, turned into EDTF by fixed rules, never guessed.

    since 1997, 1997 to present -> 1997/..    the 1980s, 1980s -> 198X   circa 2022, c. 2022 -> 2022~
    until 27 July 2022 -> ../2022-07-27                            about March 2022 -> 2022-03~
    February 2022 to 27 July 2022, between 2009 and 2012 -> 2022-02/2022-07-27, 2009/2012
    as of 2022-07-27 -> 2022-07-27 (the day a number holds on)     possibly 2022 -> 2022?

Month names are English, in full or as their usual abbreviations (`Feb`, `Sept.`), matched
exactly. Words that name a time only relative to another (`recently`, `last spring`), a part of
a year (`early 2022`), a season (its months depend on the hemisphere) or a day and a month in
an order that reads two ways (`07/08/2022`) are refused with the reason (`Refusal`). The words
`dates.edtf_words` writes for a date, a decade or a period read back to the same value.
"""

from __future__ import annotations

import re

from equipment_db.normalize.edtf_values import SEASON, Refusal

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip
_MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)} | {
    name.lower()[:3]: number for number, name in enumerate(MONTH_NAMES, start=1)
} | {"sept": 9}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_APPROXIMATE = r"(?:about|around|approximately|approx\.|circa|ca\.?|c\.)\s*"
# One date in EDTF inside words (`since 2022-02`): its digits, unspecified digits and qualifier.
_EDTF_DATE = re.compile(r"[0-9X]{4}(?:-[0-9X]{2}){0,2}[~?%]?")
_QUALIFIERS = {(False, False): "", (False, True): "~", (True, False): "?", (True, True): "%"}

_RELATIVE = re.compile(r"\b(?:last|next|this|past|previous|recent|recently|ago|today|yesterday|tomorrow|now|"
                       r"current|currently|present|lately)\b")  # fmt: skip
_SEASON = re.compile(r"\b(?:spring|summer|autumn|fall|winter)\b")
_PART = re.compile(r"\b(?:early|mid|middle|late|beginning|start|end|first half|second half|quarter|q[1-4])\b")
_DAY_MONTH = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")


def words_to_edtf(text: str) -> str | None:
    """The EDTF of a date or period in words; None when `text` is no word form (it is then read
    as EDTF). Raises Refusal for words this module knows it cannot read without guessing."""
    words = " ".join(text.lower().split())
    for pattern, build in (
        (r"since\s+(.+)", lambda m: f"{_one(m[1])}/.."),
        (r"until\s+(.+)", lambda m: f"../{_one(m[1])}"),
        (r"between\s+(.+?)\s+and\s+(.+)", lambda m: f"{_one(m[1])}/{_one(m[2])}"),
        (r"(?:from\s+)?(.+?)\s+to\s+(?:the\s+)?(?:present|now|date)", lambda m: f"{_one(m[1])}/.."),
        (r"from\s+an\s+unknown\s+date\s+to\s+(.+)", lambda m: f"/{_one(m[1])}"),
        (r"(?:from\s+)?(.+?)\s+to\s+an\s+unknown\s+date", lambda m: f"{_one(m[1])}/"),
        (r"(?:from\s+)?(.+?)\s+to\s+(.+)", lambda m: f"{_one(m[1])}/{_one(m[2])}"),
        (r"as\s+of\s+(.+)", lambda m: _one(m[1])),
    ):
        match = re.fullmatch(pattern, words)
        if match:
            return build(match)
    single = _single(words)
    if single is None:
        _explain(words)
    return single


def _explain(words: str) -> None:
    """Raise the specific reason words are refused, when there is one."""
    if _DAY_MONTH.match(words):
        raise Refusal("puts the day and the month in an order that reads two ways (write 2022-07-27)")
    if _RELATIVE.search(words):
        raise Refusal("says when only relative to another day, which is not given (give the date itself)")
    if _SEASON.search(words):
        raise Refusal(SEASON)
    if _PART.search(words):
        raise Refusal("names part of a year or a decade, which EDTF level 1 cannot say (give the months "
                      "the source names, 2022-01/2022-04, or the whole year)")  # fmt: skip


def _one(words: str) -> str:
    single = _single(words)
    if single is None:
        _explain(words)
        raise Refusal(f"has a part that is not one date ({words!r})")
    return single


def _single(words: str) -> str | None:
    """`possibly in about March 2022` -> `2022-03%`; None when the words are not one date."""
    match = re.fullmatch(rf"(possibly\s+)?(?:(?:in|on)\s+)?({_APPROXIMATE})?(.+)", words)
    if match is None:
        return None
    uncertain, approximate, core = bool(match[1]), bool(match[2]), match[3]
    found = _core(core)
    if found is None or not (uncertain or approximate):
        return found
    if found[-1] in "~?%":
        raise Refusal("qualifies a date twice, in words and in EDTF")
    return found + _QUALIFIERS[uncertain, approximate]


def _core(words: str) -> str | None:
    """A date without qualifiers: a decade, a day or a month with its name, or EDTF as it is."""
    decade = re.fullmatch(r"(?:the\s+)?(\d{3})0'?s", words)
    if decade:
        if decade[1].endswith("0"):
            start = int(decade[1]) * 10
            raise Refusal(f"names a decade or a century ({start} to {start + 9}, or {start} to {start + 99}): "
                          f"write {decade[1]}X or {decade[1][:2]}XX")  # fmt: skip
        return f"{decade[1]}X"
    day_first = re.fullmatch(rf"{_DAY}\s+{_MONTH}\s+(\d{{4}})", words)
    if day_first:
        return f"{day_first[3]}-{_MONTHS[day_first[2]]:02d}-{int(day_first[1]):02d}"
    month_first = re.fullmatch(rf"{_MONTH}\s+{_DAY},?\s+(\d{{4}})", words)
    if month_first:
        return f"{month_first[3]}-{_MONTHS[month_first[1]]:02d}-{int(month_first[2]):02d}"
    month = re.fullmatch(rf"{_MONTH},?\s+(\d{{4}})", words)
    if month:
        return f"{month[2]}-{_MONTHS[month[1]]:02d}"
    edtf = words.upper()
    return edtf if _EDTF_DATE.fullmatch(edtf) else None
