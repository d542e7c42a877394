"""The API's addresses, written once: the path templates the routes are declared with, the
citations cite (`permalink`), the pages link to and the Python client reads.

A template's placeholders are the route's own path parameters, so a route is declared with
the template itself (`@router.get(permalinks.CLAIM_VERSION)`). Nothing here imports the app:
citations sit below the API.

    permalink("https://db.example.org", "claim_version", claim_id="C-YSESYR2E", version=2)
    -> "https://db.example.org/v1/claims/C-YSESYR2E/versions/2"
"""

from __future__ import annotations

import re
from urllib.parse import quote

CLAIMS = "/v1/claims"
CLAIM = f"{CLAIMS}/{{claim_id}}"
CLAIM_VERSIONS = f"{CLAIM}/versions"
CLAIM_VERSION = f"{CLAIM_VERSIONS}/{{version}}"
CLAIM_CITATION = f"{CLAIM}/citation"
CLAIM_REVIEW = f"{CLAIM}/claimreview"

SYSTEMS = "/v1/systems"
SYSTEM = f"{SYSTEMS}/{{key}}"
SYSTEM_VERSION = f"{SYSTEM}/versions/{{version}}"
SYSTEM_CITATION = f"{SYSTEM}/citation"

SOURCES = "/v1/sources"
SOURCE = f"{SOURCES}/{{source_id}}"
SOURCE_VERSION = f"{SOURCE}/versions/{{version}}"
SOURCE_CITATION = f"{SOURCE}/citation"

ACTORS = "/v1/actors"
HEALTH = "/health"
META = "/v1/meta"
EXPORT = "/v1/export"
ACTOR = f"{ACTORS}/{{name:path}}"  # `:path`: the route takes a name even with a slash in it
COMPARE = "/v1/compare"
TIMELINE = "/v1/timeline"

_CONVERTOR = re.compile(r"\{(\w+):\w+\}")  # `{name:path}` -> `{name}`

# The entries and versions a citation or a page names, by the name `permalink` takes.
TEMPLATES = {
    "claim": CLAIM,
    "claim_version": CLAIM_VERSION,
    "system": SYSTEM,
    "system_version": SYSTEM_VERSION,
    "source": SOURCE,
    "source_version": SOURCE_VERSION,
}
# The path parameter that names an entry of each kind (a claim, system or source).
ENTRY_KEYS = {"claim": "claim_id", "system": "key", "source": "source_id"}


def path(template: str, **params: str | int) -> str:
    """The template (a name of `TEMPLATES`, or a template itself) filled in, each value one
    path segment: names with spaces, accents or slashes survive (`quote`, nothing safe)."""
    template = _CONVERTOR.sub(r"{\1}", TEMPLATES.get(template, template))
    return template.format(**{name: quote(str(value), safe="") for name, value in params.items()})


def permalink(base_url: str, name: str, **params: str | int) -> str:
    """The absolute address: `{base_url}/v1/claims/C-YSESYR2E/versions/2`."""
    return base_url.rstrip("/") + path(name, **params)


def version_permalink(base_url: str, kind: str, key: str, version: int) -> str:
    """One version of a claim, system or source (`kind`), named by its id or slug (`key`)."""
    return permalink(base_url, f"{kind}_version", version=version, **{ENTRY_KEYS[kind]: key})
