"""Countries as ISO 3166-1 alpha-2 codes via pycountry: accept "Venezuela", store "VE"."""

from __future__ import annotations

from functools import cache

import pycountry

from equipment_db.errors import InvalidValue

# Common names that pycountry's fuzzy search does not resolve to one country.
_EXTRA_NAMES = {
    "us": "US",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "russia": "RU",
    "turkey": "TR",
}


@cache
def _index() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.casefold()] = country.alpha_2
    names.update(_EXTRA_NAMES)
    return names


def country_code(text: str | None, *, field: str = "country") -> str | None:
    """ISO 3166-1 alpha-2 code for a code or name; None stays None."""
    if text is None:
        return None
    key = text.strip().casefold()
    if not key:
        return None
    code = _index().get(key)
    if code is None:
        try:
            matches = pycountry.countries.search_fuzzy(text.strip())
        except LookupError:
            matches = []
        if len(matches) == 1:
            code = matches[0].alpha_2
    if code is None:
        raise InvalidValue(field, text, "is not an ISO 3166 country code or name")
    return code


def country_name(code: str | None) -> str:
    """`Venezuela`: the common name where pycountry has one, else the ISO name; the code itself
    for a code pycountry does not know (`XK`); "" for none. The one name every reader shows."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", None)
    return name or code


def country_label(code: str | None) -> str:
    """`Venezuela (VE)`: the name with the code stored and filtered by; the code alone when it
    has no name."""
    name = country_name(code)
    return f"{name} ({code})" if name and name != code else name
