"""Lookup keys for names and aliases: case- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_SLUG_OK = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def name_key(text: str) -> str:
    """`SA-24 "Grinch"` -> `sa24grinch`; letters of any script are kept, case-folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_ALNUM.sub("", folded)


def is_slug(text: str) -> bool:
    return bool(_SLUG_OK.match(text))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")
