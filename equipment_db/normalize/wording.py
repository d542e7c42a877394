"""Read a value as a source worded it, completely or not at all.

"no less than 5,000" is at least 5000; "about 7.5 to 8 kilometers" is about 7.5 to 8 km;
"$687M" is 687,000,000 USD; "hundreds" is a magnitude of 200 to 999. Every word of the
wording must be understood: a reading that would leave a word unexplained ("at least 5,000,
possibly 7,000") is refused with what was understood and how to say it explicitly. The
bounds of each qualifier are listed in docs/WORDING.md; tests/wording_corpus.toml keeps
them true.

Numbers keep the source's decimal digits (`decimal.Decimal`): 6,5 km is 6.5, never
6.4999. Number words are read by text2num. Separators follow the source's language when
it is known (a decimal comma in German, French, Spanish, Russian, ...), English otherwise;
a form that reads two ways under the conventions in play ("5.000" without a decimal-comma
language) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from text_to_num import text2num

from equipment_db.errors import InvalidValue
from equipment_db.vocab import Qualifier

DECIMAL_COMMA_LANGUAGES = frozenset((
    "de", "fr", "es", "it", "pt", "ru", "uk", "pl", "nl", "tr", "cs", "sk", "sl", "hr", "sr", "bs", "bg", "ro",
    "hu", "fi", "sv", "da", "no", "nb", "nn", "et", "lv", "lt", "el", "id", "vi", "az", "ka", "be", "kk", "ca",
    "gl", "eu", "is", "sq", "mk", "mn"
))
EXPLICIT = ("give the number explicitly (--quantity, or --value-low/--value-high, with --unit and --qualifier; "
            "in a record: value, value_low/value_high, unit, qualifier) and keep the words in value_text")  # fmt: skip

# Vague magnitudes and their documented bounds (docs/WORDING.md).
MAGNITUDES: dict[str, tuple[int, int]] = {
    "dozens": (24, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 999_999_999),
}


class WordingNotRead(InvalidValue):
    """A wording the reader cannot read completely; `kind` says why (no number, ambiguous,
    two numbers, unread words, fraction, period, not finite, unit)."""

    code = "wording_not_read"

    def __init__(self, field: str, text: str, kind: str, explanation: str, understood: str | None) -> None:
        read = f"; understood so far: {understood}" if understood else ""
        super().__init__(field, text, f"cannot be read: {explanation}{read}; {EXPLICIT}")
        self.kind = kind


@dataclass(frozen=True)
class Reading:
    """What a wording says. `low`/`high` are in the source's unit, as the source wrote them."""

    qualifier: Qualifier
    low: Decimal | None
    high: Decimal | None
    unit: str | None  # a normalised symbol: km, km/h, kg, USD, percent, mach, ...; None for a count
    year: bool = False  # "since 1997": a calendar year, shown without separators
    counted: str | None = None  # what the words say is counted ("launchers"): a `Counted` value

    @property
    def single(self) -> Decimal | None:
        """The one number of a point reading (exact, approximately), else None."""
        return self.low if self.low is not None and self.low == self.high else None


# --- qualifier words --------------------------------------------------------------------------------

_PREFIXES: list[tuple[str, Qualifier]] = [
    ("a little over|just over|slightly more than|slightly over|just above|a bit more than", Qualifier.just_over),
    ("nearly|almost|just under|slightly less than|just shy of|a little under|just below", Qualifier.nearly),
    ("no less than|no fewer than|not less than|not fewer than|at least|a minimum of|minimum of|min\\.?",
     Qualifier.at_least),
    ("no more than|not more than|at most|a maximum of|maximum of|max\\.?", Qualifier.at_most),
    ("more than|over|in excess of|upwards of|above|exceeding|greater than|>", Qualifier.more_than),
    ("≥|>=", Qualifier.at_least),
    ("≤|<=", Qualifier.at_most),
    ("less than|fewer than|under|below|<", Qualifier.less_than),
    ("up to|as many as|as much as", Qualifier.up_to),
    ("approximately|approx\\.?|about|around|roughly|some|circa|ca\\.|c\\.|ok\\.|около|~|an estimated|estimated"
     "|est\\.|close to|on the order of|in the region of", Qualifier.approximately),
    ("only|just|exactly|precisely", Qualifier.exact),
]  # fmt: skip
# "a total of" carries no uncertainty of its own: "a total of more than 1,400" is more than 1,400.
_TOTAL = re.compile(r"(?:a total of|in total|totall?ing|a combined|altogether)\s+")
# A label before the value, as manufacturers print them: "Effective range: 4,800 m", "speed 600 m/s".
_LABEL = re.compile(r"(?:[a-z][a-z .()-]{0,30}:\s*|(?:max(?:imum)?\.? |min(?:imum)?\.? |effective )?"
                    r"(?:range|speed|weight|length|altitude|ceiling|diameter|wingspan|price|cost|unit cost)\s+"
                    r"(?=[\d$€£~<>≤≥]|up |about |approx|some |around ))")
_PREFIX = [(re.compile(rf"(?:{words})(?=[\s$€£\d~<>]|$)\s*"), meaning) for words, meaning in _PREFIXES]
_ANY_PREFIX = re.compile("|".join(rf"(?:{words})(?=[\s$€£\d~<>]|$)" for words, _ in _PREFIXES))
_POSTFIXES: list[tuple[re.Pattern[str], Qualifier]] = [
    (re.compile(r"\s*(?:or so|or thereabouts|odd)\b"), Qualifier.approximately),
    (re.compile(r"\s*(?:or more|and more|and above|at least|minimum)\b"), Qualifier.at_least),
    (re.compile(r"\s*(?:or less|or fewer|at most|maximum)\b"), Qualifier.at_most),
    (re.compile(r"\s*(?:\+|-?plus\b)"), Qualifier.more_than),
]

# --- units ------------------------------------------------------------------------------------------

_UNIT_WORDS: dict[str, str] = {
    "km/h": "km/h", "km/hr": "km/h", "kmh": "km/h", "kph": "km/h", "km per hour": "km/h",
    "kilometers per hour": "km/h", "kilometres per hour": "km/h", "kilometer per hour": "km/h",
    "m/s": "m/s", "mps": "m/s", "meters per second": "m/s", "metres per second": "m/s",
    "mph": "mph", "miles per hour": "mph", "knots": "kn", "knot": "kn", "kts": "kn", "kn": "kn",
    "nautical miles": "nmi", "nautical mile": "nmi", "nmi": "nmi",
    "kilometers": "km", "kilometres": "km", "kilometer": "km", "kilometre": "km", "kms": "km", "km": "km",
    "meters": "m", "metres": "m", "meter": "m", "metre": "m", "m": "m",
    "miles": "mi", "mile": "mi", "mi": "mi", "feet": "ft", "foot": "ft", "ft": "ft",
    "kilograms": "kg", "kilogrammes": "kg", "kilogram": "kg", "kilos": "kg", "kilo": "kg", "kgs": "kg", "kg": "kg",
    "grams": "g", "gram": "g", "g": "g", "tonnes": "t", "tonne": "t", "metric tons": "t", "metric tonnes": "t",
    "t": "t", "lbs": "lb", "lb": "lb", "pounds": "lb", "pound": "lb", "centimeters": "cm", "centimetres": "cm",
    "cm": "cm", "millimeters": "mm", "millimetres": "mm", "mm": "mm", "seconds": "s", "second": "s", "sec": "s", "s": "s",
    "percent": "percent", "per cent": "percent", "pct": "percent", "%": "percent",
    "us dollars": "USD", "dollars": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds sterling": "GBP", "gbp": "GBP", "roubles": "RUB", "rubles": "RUB", "rub": "RUB", "₽": "RUB",
}  # fmt: skip
_UNIT = re.compile(r"\s*(" + "|".join(re.escape(w) for w in sorted(_UNIT_WORDS, key=len, reverse=True))
                   + r")(?![a-z0-9])")  # fmt: skip
_CURRENCY_BEFORE = re.compile(r"(us\$|u\.s\.\s?\$|\$|€|£|₽|usd|eur|gbp|rub)\s*")
_CURRENCY = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "₽": "RUB", "usd": "USD", "eur": "EUR",
             "gbp": "GBP", "rub": "RUB"}  # fmt: skip
_AMBIGUOUS_UNITS = re.compile(r"\s*(tons?|nm|kt|k)(?![a-z0-9])")

# --- numbers ----------------------------------------------------------------------------------------

_NUMERAL = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])"      # 1,234,567.5
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.])"     # 1.234.567,5 (or 5.000: two readings)
    r"|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?(?!\d)"  # 1 234 567
    r"|\d+[.,]\d+|\d+"
)
_SCALE_WORDS = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_SCALE = re.compile(r"\s*(thousand|million|billion|trillion|mln|mn|bn)(?![a-z])")
_MONEY_SCALE = re.compile(r"(k|m|b)(?![a-z])")  # only after a currency: "$687M", "£45m"
_WORD_NUMBER = (r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
                r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
                r"|ninety|hundred|thousand|million|billion")  # fmt: skip
_WORDS = re.compile(rf"(?:a |an )?(?:(?:{_WORD_NUMBER})(?:[\s-]+(?:and[\s-]+)?|(?![a-z])))+")
_DOZEN = re.compile(r"(?:(a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+)?dozen(?![a-z])")
_HALF = re.compile(r"half an? (thousand|million|billion)(?![a-z])")
_AND_A_HALF = re.compile(rf"((?:{_WORD_NUMBER}|\d+)(?:[\s-]+(?:{_WORD_NUMBER}))*) and a half\s+"
                         r"(thousand|million|billion)(?![a-z])")  # fmt: skip
_FRACTION = re.compile(r"(?<!and )\b(?:a|one|two|three)[\s-](?:half|third|quarter|fifth)s?\b|two-thirds"
                       r"|three-quarters|\bhalf of\b|\d+/\d+\b")

# --- what may follow a count -----------------------------------------------------------------------

# After a count, words that say what is counted ("Russian missiles", "Igla-S", "countries") may
# follow; none of them may be a word that changes the number (a qualifier, a hedge, a link).
_COUNT_TRAILER = re.compile(r"\s*[a-z\u0400-\u04ff][\w'./-]*(?:\s+[a-z\u0400-\u04ff][\w'./-]*){0,5}$")
_CHANGES_THE_NUMBER = frozenset((
    "or", "and", "possibly", "perhaps", "maybe", "probably", "likely", "plus", "minus", "than", "to", "up",
    "each", "per", "more", "less", "fewer", "over", "under", "about", "around", "approximately", "roughly",
    "nearly", "almost", "at", "least", "most", "not", "no", "only", "give", "take", "unverified", "unconfirmed",
    "reportedly", "allegedly", "claimed", "estimated", "estimate", "est", "approx", "some", "just", "exactly",
    "precisely", "total", "between", "from", "since", "until", "till", "through", "in", "of", "dozen", "dozens",
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "half",
    "quarter", "third",
    # an increment or a rate is not a count: "5,000 additional missiles", "200 missiles a year"
    "additional", "extra", "further", "another", "annually", "yearly", "monthly", "weekly", "daily", "year",
    "years", "month", "months", "week", "weeks", "day", "days", "a", "an",
))
_MONEY_TRAILER = re.compile(r"\s*(?:apiece|each|per (?:unit|missile|system|launcher|round|piece))(?![a-z])")
_SHARE_TRAILER = re.compile(r"\s*of\s+[a-z][a-z' -]*$")

_YEAR_PREFIX = re.compile(r"(?:in service since|in service from|in use since|since|from)\s+(?=\d{4}\b)")
_PERIOD = re.compile(r"(?:the\s+)?(?:early |mid-|mid |late )?\d{4}s\b|\d{1,2}(?:st|nd|rd|th) century")


class _Refused(Exception):
    def __init__(self, kind: str, explanation: str) -> None:
        super().__init__(explanation)
        self.kind, self.explanation = kind, explanation


@dataclass
class _Cursor:
    text: str
    at: int = 0
    language: str | None = None

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.at)
        if found:
            self.at = found.end()
        return found

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at] == " ":
            self.at += 1

    @property
    def rest(self) -> str:
        return self.text[self.at :]


def read_value(text: str, *, language: str | None = None, field: str = "value") -> Reading:
    """The reading of `text`, or WordingNotRead naming the field, what was understood and how
    to say the value explicitly."""
    reader = _Reader(_clean(text), (language or "").split("-")[0].lower() or None, _clean(text, lower=False))
    try:
        return reader.read()
    except _Refused as refused:
        raise WordingNotRead(field, text, refused.kind, refused.explanation, reader.understood()) from None


def _clean(text: str, *, lower: bool = True) -> str:
    cleaned = re.sub("[\u201c\u201d\"\u2018\u2019\u00ab\u00bb]", "", text).strip()
    cleaned = cleaned.lower() if lower else cleaned
    cleaned = re.sub(r"[\u2013\u2014\u2212]", "-", cleaned)  # en and em dashes, minus sign
    cleaned = re.sub(r"[\t\n\r]+|\s{2,}", " ", cleaned)
    return cleaned.rstrip(".;,:")


class _Reader:
    def __init__(self, text: str, language: str | None, original: str | None = None) -> None:
        self.cursor = _Cursor(text, language=language)
        self.original = original if original is not None and len(original) == len(text) else None
        self.qualifier: Qualifier | None = None
        self.low: Decimal | None = None
        self.high: Decimal | None = None
        self.unit: str | None = None
        self.scaled = 1  # the scale word of the last number read ("billion": 10**9)
        self.counted: str | None = None

    def understood(self) -> str | None:
        parts = [self.qualifier.value.replace("_", " ") if self.qualifier else None,
                 _plain(self.low) if self.low is not None else None,
                 f"to {_plain(self.high)}" if self.high is not None and self.high != self.low else None,
                 self.unit]  # fmt: skip
        shown = " ".join(part for part in parts if part)
        return f"{shown!r} from {self.cursor.text[: self.cursor.at]!r}" if shown else None

    def read(self) -> Reading:
        c = self.cursor
        if not c.text:
            raise _Refused("no number", "it is empty")
        whole = re.fullmatch(r"\((.+)\)", c.text)
        if whole:  # SIPRI: a number in parentheses is an estimate
            inner = _Reader(whole.group(1), c.language).read()
            if inner.qualifier is not Qualifier.exact:
                raise _Refused("unread words", "an estimate in parentheses holds qualifier words too")
            return Reading(Qualifier.approximately, inner.low, inner.high, inner.unit, inner.year)
        if _PERIOD.search(c.text):
            raise _Refused("period", "it names a period, not a value (a period goes in --about)")
        if _FRACTION.search(c.text):
            raise _Refused("fraction", "a fraction in words is not a number the reader will work out")
        if re.search(r"\b(?:infinity|infinite|inf|nan)\b|\d[.,]?\d*e[+-]?\d", c.text):
            raise _Refused("not finite", "it is not a finite decimal number")
        c.match(_LABEL)
        year = c.match(_YEAR_PREFIX)
        if year:
            return self._year()
        if re.fullmatch(r"tens(?! of thousands)(?: of)?(?: [a-z -]+)?", c.rest):
            raise _Refused("ambiguous", "'tens' may be a translation of 'dozens'; it bounds nothing")
        magnitude = self._magnitude()
        if magnitude is not None:
            return magnitude
        c.match(_TOTAL)
        self._prefix()
        self._core()
        self._postfix()
        self._trailer()
        rest = c.rest.strip(" ,;")
        if rest:
            self._refuse_rest(rest)
        qualifier = self.qualifier or (Qualifier.range if self.low != self.high else Qualifier.exact)
        return self._bounded(qualifier)

    def _refuse_rest(self, rest: str) -> None:
        """Why the words left over are refused: another quantity, a hedge, or words unknown."""
        another = _NUMERAL.search(rest) or re.search(rf"\b(?:{_WORD_NUMBER}|dozen)\b", rest)
        if re.match(rf"or\s+(?:\d|[$€£]|(?:{_WORD_NUMBER})\b)", rest):
            raise _Refused("ambiguous", f"{rest!r} gives an alternative, not a range")
        if another and not re.search(r"\b(?:possibly|perhaps|maybe|probably|give or take|plus or minus)\b|±|\+/-",
                                     rest):  # fmt: skip
            raise _Refused("two numbers", f"{rest!r} holds another quantity: one claim says one number")
        raise _Refused("unread words", f"the words {rest!r} are not understood")

    def _bounded(self, qualifier: Qualifier) -> Reading:
        low, high = self.low, self.high
        ranged = low is not None and high is not None and low != high
        if ranged and qualifier not in (Qualifier.range, Qualifier.approximately, Qualifier.exact):
            raise _Refused("ambiguous", f"{qualifier.value.replace('_', ' ')!r} before a range reads two ways")
        if ranged:
            if low > high:  # type: ignore[operator]
                raise _Refused("ambiguous", "the range runs from the larger number to the smaller")
            shown = Qualifier.range if qualifier is Qualifier.exact else qualifier
            return Reading(shown, low, high, self.unit, counted=self.counted)
        number = low
        if qualifier in (Qualifier.at_least, Qualifier.more_than, Qualifier.just_over):
            return Reading(qualifier, number, None, self.unit, counted=self.counted)
        if qualifier in (Qualifier.at_most, Qualifier.less_than, Qualifier.up_to, Qualifier.nearly):
            return Reading(qualifier, None, number, self.unit, counted=self.counted)
        return Reading(qualifier, number, number, self.unit, counted=self.counted)

    def _year(self) -> Reading:
        c = self.cursor
        found = c.match(re.compile(r"(\d{4})\b"))
        if found is None or c.rest.strip():
            raise _Refused("unread words", f"after the year: {c.rest.strip()!r}")
        year = Decimal(found.group(1))
        return Reading(Qualifier.exact, year, year, None, year=True)

    def _magnitude(self) -> Reading | None:
        c = self.cursor
        found = c.match(re.compile(
            r"(?:(?:several|a few|many|some)\s+)?(tens of thousands|hundreds of thousands|dozens|hundreds|thousands"
            r"|millions|(?:several|a few) (?:dozen|hundred|thousand|million))(?:\s+of)?(?![a-z])"
        ))  # fmt: skip
        if found:
            word = found.group(1)
            word = {"several dozen": "dozens", "a few dozen": "dozens", "several hundred": "hundreds",
                    "a few hundred": "hundreds", "several thousand": "thousands", "a few thousand": "thousands",
                    "several million": "millions", "a few million": "millions"}.get(word, word)  # fmt: skip
            low, high = MAGNITUDES[word]
            self.qualifier, self.low, self.high = Qualifier.magnitude, Decimal(low), Decimal(high)
            self._trailer()
            if c.rest.strip():
                raise _Refused("unread words", f"the words {c.rest.strip()!r} are not understood")
            return Reading(Qualifier.magnitude, Decimal(low), Decimal(high), None, counted=self.counted)
        vague = c.match(re.compile(r"(?:many|numerous|a large number|a significant number|an unspecified number"
                                   r"|an undisclosed number|an unknown number|a number|a batch|large quantities"
                                   r"|several|a few|some|a handful)(?:\s+of)?(?![a-z])"
                                   rf"(?!\s*(?:[\d$€£~]|(?:a |an )?(?:{_WORD_NUMBER}|dozen)\b))"))  # fmt: skip
        if vague:
            self.qualifier = Qualifier.unspecified
            self._trailer()
            if c.rest.strip():
                raise _Refused("unread words", f"the words {c.rest.strip()!r} are not understood")
            return Reading(Qualifier.unspecified, None, None, None, counted=self.counted)
        return None

    def _prefix(self) -> None:
        c = self.cursor
        for pattern, meaning in _PREFIX:
            if c.match(pattern):
                self.qualifier = meaning
                if _ANY_PREFIX.match(c.text, c.at):
                    raise _Refused("unread words", f"two qualifiers: {c.text[: c.at].strip()!r} and another")
                return

    def _core(self) -> None:
        c = self.cursor
        between = c.match(re.compile(r"(between|from)\s+"))
        first, first_unit = self._amount()
        first_scaled = self.scaled
        if not between and re.match(r"\s*(?:\+|-?plus\b)", c.rest):
            self.low = self.high = first
            self.unit = first_unit
            return  # "5,000-plus": the postfix reads it
        c.skip_space()
        joined = c.match(re.compile(r"(-|to|and|through|till|until)\s*")) if between else c.match(
            re.compile(r"(-|to)\s*"))  # fmt: skip
        if between and not joined:
            raise _Refused("unread words", f"{between.group(1)!r} without the other end of the range")
        if joined and between and between.group(1) == "between" and joined.group(1) not in ("and", "-"):
            raise _Refused("unread words", "'between' ... needs 'and'")
        if not joined:
            self.low = self.high = first
            self.unit = first_unit
            return
        second, second_unit = self._amount()
        if self.scaled != 1 and first_scaled == 1 and first < second / self.scaled:
            first *= self.scaled  # "$2.2-2.5 billion": the scale word is said once, for both ends
        unit = second_unit or first_unit
        if first_unit and second_unit and first_unit != second_unit:
            first = _convert(first, first_unit, second_unit)
        self.low, self.high, self.unit = first, second, unit

    def _amount(self) -> tuple[Decimal, str | None]:
        """One number with its currency, scale and unit: "$687M", "6km", "Mach 2.2"."""
        c = self.cursor
        c.skip_space()
        if c.match(re.compile(r"mach\s*")):
            return self._number(money=False), "mach"
        currency = c.match(_CURRENCY_BEFORE)
        number = self._number(money=currency is not None)
        if currency is not None:
            unit = _CURRENCY[currency.group(1).replace("u.s. $", "us$").replace("u.s.$", "us$").strip()]
            after = _UNIT.match(c.text, c.at)
            if after and _UNIT_WORDS[after.group(1)] == unit:  # "$5 million dollars"
                c.at = after.end()
            return number, unit
        if _AMBIGUOUS_UNITS.match(c.text, c.at) and not _UNIT.match(c.text, c.at):
            word = _AMBIGUOUS_UNITS.match(c.text, c.at).group(1)  # type: ignore[union-attr]
            raise _Refused("ambiguous", f"the unit {word!r} reads two ways (short or metric ton; knot or kiloton; "
                                        "nautical mile or nanometre; thousand or kilo-)")  # fmt: skip
        unit = c.match(_UNIT)
        if unit is None:
            if re.match(r"\s*[a-z]+/[a-z]+", c.rest):
                raise _Refused("unit", f"the unit in {c.rest.strip()!r} is not one the reader knows")
            return number, None
        if c.text[c.at : c.at + 1] in ("²", "³"):
            raise _Refused("unit", f"{unit.group(1).strip()}{c.text[c.at]} is an area or a volume, not a unit here")
        return number, _UNIT_WORDS[unit.group(1)]

    def _number(self, *, money: bool) -> Decimal:
        c = self.cursor
        c.skip_space()
        self.scaled = 1
        found = c.match(_HALF)
        if found:
            return Decimal(_SCALE_WORDS[found.group(1)]) / 2
        found = c.match(_AND_A_HALF)
        if found:
            return (_words(found.group(1)) + Decimal("0.5")) * _SCALE_WORDS[found.group(2)]
        found = c.match(_DOZEN)
        if found:
            count = found.group(1)
            return Decimal(12) * (_words(count) if count not in (None, "a", "an") else 1)
        numeral = c.match(_NUMERAL)
        if numeral:
            number = _numeral(numeral.group(0), c.language)
            scale = c.match(_SCALE)
            if scale:
                self.scaled = _SCALE_WORDS.get(scale.group(1)) or {"mln": 10**6, "mn": 10**6, "bn": 10**9}[scale.group(1)]
            elif money and (short := c.match(_MONEY_SCALE)):
                self.scaled = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}[short.group(1)]
            return number * self.scaled
        words = c.match(_WORDS)
        if words:
            text = words.group(0).strip(" -")
            text = re.sub(r"[\s-]+and$", "", text)
            return _words(text)
        raise _Refused("no number", "no number was found" if not self.qualifier else "no number after the qualifier")

    def _postfix(self) -> None:
        c = self.cursor
        for pattern, meaning in _POSTFIXES:
            if c.match(pattern):
                if self.qualifier is not None:
                    raise _Refused("unread words", "a qualifier both before and after the number")
                self.qualifier = meaning
                return

    def _trailer(self) -> None:
        """What may follow: a conversion in parentheses, the counted noun of a count, "apiece"
        after money, "of its stock" after a share."""
        c = self.cursor
        conversion = c.match(re.compile(r"\s*\(\s*(?:about |approx\.? |approximately |some |~)?[\d.,\s]+"
                                        r"\s*[a-z/%]+\.?\s*\)"))  # fmt: skip
        if conversion and self.unit is None:
            raise _Refused("unread words", "a conversion in parentheses after a number without a unit")
        if self.unit in ("USD", "EUR", "GBP", "RUB"):
            c.match(_MONEY_TRAILER)
        elif self.unit == "percent":
            share = _SHARE_TRAILER.match(c.text, c.at)
            if share and not _NUMERAL.search(share.group(0)):
                c.at = share.end()
        elif self.unit is None:
            if self.original is not None and _looks_like_unit(self.original[c.at :].strip().split(" ")[0]):
                raise _Refused("unit", f"{self.original[c.at:].strip().split(' ')[0]!r} looks like a unit the "
                                       "reader does not know")  # fmt: skip
            trailer = _COUNT_TRAILER.match(c.text, c.at)
            if trailer and not _CHANGES_THE_NUMBER.intersection(re.findall(r"[a-z]+", trailer.group(0))) \
                    and not re.search(rf"\b(?:{_WORD_NUMBER})\b", trailer.group(0)):
                c.at = trailer.end()
                self.counted = _counted_by(trailer.group(0))
        c.match(re.compile(r"\s*\(\s*(?:est\.?|estimated|approx\.?)\s*\)"))


# The nouns that name what is counted, as `Counted` values: "200 launchers" counts launchers.
_COUNTED_BY = {
    "missiles": "missiles", "missile": "missiles", "interceptors": "missiles", "launchers": "launchers",
    "launcher": "launchers", "gripstocks": "launchers", "gripstock": "launchers", "batteries": "firing_units",
    "battery": "firing_units", "systems": "systems", "system": "systems", "vehicles": "vehicles",
    "vehicle": "vehicles", "aircraft": "aircraft", "helicopters": "aircraft", "jets": "aircraft",
    "planes": "aircraft", "vessels": "vessels", "ships": "vessels", "boats": "vessels", "personnel": "personnel",
    "troops": "personnel", "soldiers": "personnel", "members": "personnel", "people": "personnel",
    "men": "personnel", "fighters": "personnel", "strikes": "strikes", "strike": "strikes", "units": "units",
}  # fmt: skip


def _counted_by(trailer: str) -> str | None:
    words = re.findall(r"[a-z]+", trailer)
    if words[-2:] in (["firing", "units"], ["firing", "unit"]):
        return "firing_units"
    if words[-2:] in (["launch", "units"], ["launch", "unit"]):
        return "launchers"
    return _COUNTED_BY.get(words[-1]) if words else None


def check_counted(reading: Reading, counted: Any, *, text: str) -> None:
    """Refuse a count whose wording names another thing than `counted` says: "200 launchers"
    stored as 200 missiles is not what the source said."""
    counted = getattr(counted, "value", counted)
    if counted and reading.counted and counted != reading.counted:
        said = reading.counted.replace("_", " ")
        raise InvalidValue("counted", counted, f"but the wording {text!r} counts {said}")


def _looks_like_unit(word: str) -> bool:
    """"kJ", "kW", "m²", "widgets/h": a symbol, not a counted noun."""
    if word.lower() in _SHORT_WORDS:
        return False
    return bool(re.fullmatch(r"[a-zµ]?[A-Z][A-Za-z]?|[A-Za-zµ]{1,3}[²³]|\S*/\S+|[a-z]{1,2}", word))


_SHORT_WORDS = frozenset((
    "a", "an", "as", "at", "be", "by", "in", "is", "it", "of", "on", "or", "to", "up", "we", "us", "vs"
))


def _numeral(text: str, language: str | None) -> Decimal:
    comma_decimal = language in DECIMAL_COMMA_LANGUAGES
    digits = re.sub(r"[ \u00a0\u202f\u2009]", " ", text)
    if " " in digits:
        parts = re.split(r"[.,](?=\d+$)", digits)
        whole = parts[0].replace(" ", "")
        fraction = parts[1] if len(parts) > 1 else ""
        return _decimal(whole, fraction)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        if comma_decimal and digits.count(",") == 1 and "." not in digits:
            return _decimal(*digits.split(","))  # "1,500" in German is 1.5
        if comma_decimal and "." in digits:
            raise _Refused("ambiguous", f"{text!r} mixes separators the other way round for the source's language")
        whole, _, fraction = digits.partition(".")
        return _decimal(whole.replace(",", ""), fraction)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):
        if digits.count(".") == 1 and "," not in digits and not comma_decimal:
            raise _Refused("ambiguous", f"{text!r} reads as {digits.split('.')[0]} (decimal point) or as "
                                        f"{digits.replace('.', ',')} (thousands); the source's language decides, "
                                        "and it is not known or uses a decimal point")  # fmt: skip
        whole, _, fraction = digits.partition(",")
        return _decimal(whole.replace(".", ""), fraction)
    if "," in digits:
        whole, fraction = digits.split(",")
        if len(fraction) == 3 and not comma_decimal:
            return _decimal(whole + fraction, "")
        return _decimal(whole, fraction)
    whole, _, fraction = digits.partition(".")
    return _decimal(whole, fraction)


def _decimal(whole: str, fraction: str) -> Decimal:
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:
        raise _Refused("no number", f"{whole}.{fraction} is not a number") from None


def _words(text: str) -> Decimal:
    cleaned = re.sub(r"^(?:a|an)\s+", "one ", text.strip())
    try:
        return Decimal(text2num(cleaned, "en"))
    except ValueError:
        raise _Refused("no number", f"{text!r} is not a number in words the reader knows") from None


# Exact decimal factors only: a range between other units is refused, not approximated.
_FACTORS = {("m", "km"): Decimal("0.001"), ("km", "m"): Decimal(1000), ("g", "kg"): Decimal("0.001"),
            ("kg", "g"): Decimal(1000), ("mm", "m"): Decimal("0.001"), ("cm", "m"): Decimal("0.01")}  # fmt: skip


def _convert(value: Decimal, unit: str, into: str) -> Decimal:
    """The low end of a range given in another unit than the high end, in the high end's unit:
    "between 500 meters and 6 kilometers" is 0.5 to 6 km. Exact decimal factors only."""
    factor = _FACTORS.get((unit, into))
    if factor is None:
        raise _Refused("ambiguous", f"a range from {unit} to {into}: give both ends in one unit")
    return (value * factor).normalize()


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def reading_fields(reading: Reading) -> dict[str, Any]:
    """The value fields a reading sets: one number for a point, else its bounds as read."""
    single = reading.single
    if single is not None:
        numbers = {"value": float(single), "value_low": None, "value_high": None}
    else:
        numbers = {"value": None,
                   "value_low": None if reading.low is None else float(reading.low),
                   "value_high": None if reading.high is None else float(reading.high)}  # fmt: skip
    return numbers | {"unit": reading.unit, "qualifier": reading.qualifier}
