"""Countries, exact and never guessed: accept "Venezuela", "VEN" or "VE", store "VE".

A name is read only when it is, letter for letter (ignoring case, accents, dots, apostrophes,
hyphens and a leading "the"), an ISO 3166-1 code or name as pycountry carries it, Kosovo
(`XK`, user-assigned), a former country of ISO 3166-3 (stored by its four-letter code:
the Soviet Union is `SUHH`), or a curated variant (`country_names.py`). Anything else is
refused with up to three suggestions; a name that could mean two countries ("Congo") is
refused with both codes. Lookups are cached.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache, lru_cache

import pycountry

from equipment_db.errors import InvalidValue
from equipment_db.normalize import country_names as curated

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_SPACES = re.compile(r"[\s\-\u2010-\u2015_]+")


def name_key(text: str) -> str:
    """The form names are compared in: `Côte d'Ivoire` and `cote divoire` meet; nothing else
    is loosened."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _APOSTROPHES.sub("", text).replace(".", "").replace("&", " and ")
    text = _SPACES.sub(" ", text).strip()
    return text.removeprefix("the ").strip()


@cache
def _tables() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Every accepted key with the codes it names, and every stored code's display name."""
    keys: dict[str, set[str]] = {}
    names: dict[str, str] = {}

    def add(key: str | None, code: str) -> None:
        if key:
            keys.setdefault(name_key(key), set()).add(code)

    for country in pycountry.countries:
        code = country.alpha_2
        names[code] = getattr(country, "common_name", None) or country.name
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            add(getattr(country, attr, None), code)
    for code, (name, alpha_3) in curated.USER_ASSIGNED.items():
        names[code] = name
        for key in (code, alpha_3, name):
            add(key, code)
    current = set(names)
    former_alpha_2: dict[str, set[str]] = {}
    for former in pycountry.historic_countries:
        code = former.alpha_4
        names[code] = former.name
        add(code, code)
        add(former.name, code)
        if name_key(former.alpha_3) not in keys:
            add(former.alpha_3, code)
        if former.alpha_2 not in current:  # a retired code not reassigned (SU, YU, DD; CS is two)
            former_alpha_2.setdefault(former.alpha_2, set()).add(code)
    for alpha_2, codes in former_alpha_2.items():
        keys.setdefault(name_key(alpha_2), set()).update(codes)
    for key, code in (curated.VARIANTS | curated.FORMER_VARIANTS).items():
        add(key, code)
    for key, codes in curated.AMBIGUOUS.items():
        keys[name_key(key)] = set(codes)
    for key in curated.RENAMED:
        keys.pop(name_key(key), None)
    names.update(curated.DISPLAY)
    for code, name in curated.DISPLAY.items():  # what a page shows reads back as the same code
        add(name, code)
    return keys, names


def country_code(text: str | None, *, field: str = "country") -> str | None:
    """The stored code for a code or name; None stays None. Refused when not exact."""
    if text is None or not text.strip():
        return None
    return _lookup(text.strip(), field)


@lru_cache(maxsize=8192)
def _lookup(text: str, field: str) -> str:
    keys, _ = _tables()
    key = name_key(text)
    codes = keys.get(key, set())
    if len(codes) == 1:
        return next(iter(codes))
    if codes:
        said = " or ".join(f"{country_name(code)} ({code})" for code in sorted(codes))
        raise InvalidValue(field, text, f"could be {said}: give the code")
    if key in {name_key(name) for name in curated.RENAMED}:
        hint = next(v for k, v in curated.RENAMED.items() if name_key(k) == key)
        raise InvalidValue(field, text, f"is not a current country: say {hint}")
    raise InvalidValue(field, text, "is not an ISO 3166 country code or name" + _suggestions(key))


def _suggestions(key: str) -> str:
    keys, _ = _tables()
    near = difflib.get_close_matches(key, [k for k in keys if len(k) > 3], n=8, cutoff=0.8)
    codes: list[str] = []
    for match in near:
        for code in sorted(keys[match]):
            if code not in codes:
                codes.append(code)
    if not codes:
        return ""
    return "; did you mean " + ", ".join(f"{country_name(c)} ({c})" for c in codes[:3]) + "?"


def country_name(code: str | None) -> str:
    """`Venezuela`, `Kosovo`, `Soviet Union`: the one name every reader shows for a stored
    code; the code itself for one not known; "" for none."""
    if not code:
        return ""
    return _tables()[1].get(code, code)


def country_label(code: str | None) -> str:
    """`Venezuela (VE)`: the name with the code stored and filtered by; the code alone when it
    has no name."""
    name = country_name(code)
    return f"{name} ({code})" if name and name != code else name
