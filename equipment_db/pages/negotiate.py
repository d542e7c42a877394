"""Content negotiation: does this request prefer HTML to JSON?"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = ("application/json", "application/problem+json", "application/ld+json")


def _weights(accept: str) -> list[tuple[str, float]]:
    found = []
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = max(0.0, min(1.0, float(value)))
                except ValueError:
                    weight = 0.0
        if media:
            found.append((media.strip().lower(), weight))
    return found


def _quality(weights: list[tuple[str, float]], wanted: tuple[str, ...]) -> float:
    """The weight the most specific matching range gives any of `wanted` (RFC 9110 12.5.1)."""
    best = 0.0
    for media in wanted:
        kind = media.split("/")[0] + "/*"
        for pattern in (media, kind, "*/*"):
            matches = [weight for name, weight in weights if name == pattern]
            if matches:
                best = max(best, max(matches))
                break
    return best


def prefers_html(accept: str | None) -> bool:
    """True when HTML ranks strictly above JSON: a browser's `text/html,...,*/*;q=0.8`. A
    tie (`*/*`, no header: curl, httpx, scripts) keeps the JSON the API always answered."""
    if not accept:
        return False
    weights = _weights(accept)
    return _quality(weights, HTML_TYPES) > _quality(weights, JSON_TYPES)


async def wants_html(request: Request) -> bool:
    """A dependency (async: no hop to the thread pool for reading one header)."""
    return prefers_html(request.headers.get("accept"))


WantsHtml = Annotated[bool, Depends(wants_html)]

# For the OpenAPI document: the routes that also answer with a page.
HTML_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}},
          "description": "JSON; or, when the Accept header prefers text/html (a browser), the entry's page."}
}  # fmt: skip
