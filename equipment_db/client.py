"""A small typed read client for the equipment-db API, for notebooks and scripts.

    with Client("https://db.example.org") as db:
        for row in db.claims(system="igla-s", country="VE"):
            print(row.id, row.value, row.status)
        claim = db.claim("C-YSESYR2E")

Lists follow the API's `next` cursors lazily; errors arrive as `ApiError` with the
problem+json body's status, code, detail and parameter. Network failures are httpx's
own exceptions (`httpx.TransportError`).
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel

from equipment_db import permalinks
from equipment_db.actors.models import ActorPublic, ActorRowPublic
from equipment_db.claims.models import ClaimDetailPublic, ClaimRowPublic
from equipment_db.history.models import RevisionPublic, RevisionSnapshotPublic
from equipment_db.permalinks import path
from equipment_db.sources.models import SourcePublic, SourceRowPublic
from equipment_db.status import Health, Meta

M = TypeVar("M", bound=BaseModel)
PROBLEM = "application/problem+json"


class ApiError(Exception):
    """An error answer from the API: `code` is stable, `parameter` names what was wrong."""

    def __init__(self, status: int, code: str, detail: str, parameter: str | None = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.parameter = parameter

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        if response.headers.get("content-type", "").startswith(PROBLEM):
            try:
                body = response.json()
                return cls(
                    response.status_code, str(body["code"]), str(body["detail"]), body.get("parameter")
                )
            except (ValueError, KeyError, TypeError):
                pass
        return cls(response.status_code, "http_error", response.text[:200] or response.reason_phrase)


class Client:
    """Read access to one equipment-db API. Give `base_url`, or an `httpx.Client` of your own
    as `http` (a FastAPI `TestClient` works); a client given is not closed by this one."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 10,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        if http is None and base_url is None:
            raise ValueError("give base_url or http")
        self._owned = http is None
        self.http = http or httpx.Client(
            base_url=base_url or "",
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._owned:
            self.http.close()

    # -- claims ---------------------------------------------------------------------------

    def claims(self, **filters: Any) -> Iterator[ClaimRowPublic]:
        """Every claim matching the filters of `GET /v1/claims` (system, country, kind,
        claimant, source, status, rank, stated_from, ..., `limit` = page size), page by page."""
        return self._pages(permalinks.CLAIMS, filters, ClaimRowPublic)

    def claim(self, claim_id: str) -> ClaimDetailPublic:
        return ClaimDetailPublic.model_validate(self._json(path("claim", claim_id=claim_id)))

    def claim_versions(self, claim_id: str) -> list[RevisionPublic]:
        return [
            RevisionPublic.model_validate(v) for v in self._json(path(permalinks.CLAIM_VERSIONS, claim_id=claim_id))
        ]

    def claim_version(self, claim_id: str, version: int) -> RevisionSnapshotPublic:
        body = self._json(path("claim_version", claim_id=claim_id, version=int(version)))
        return RevisionSnapshotPublic.model_validate(body)

    def cite(self, claim_id: str, format: str = "apa", version: int | None = None) -> str:
        """The claim cited as apa, chicago, mla, bibtex, ris or csl-json (as text)."""
        params = {"format": format} | ({"version": version} if version is not None else {})
        return self._get(path(permalinks.CLAIM_CITATION, claim_id=claim_id), params).text

    # -- sources and actors ---------------------------------------------------------------

    def sources(self, **filters: Any) -> Iterator[SourceRowPublic]:
        """Every source matching kind, publisher, language, text or url, page by page."""
        return self._pages(permalinks.SOURCES, filters, SourceRowPublic)

    def source(self, source_id: str, *, claims_limit: int | None = None) -> SourcePublic:
        params = {"claims_limit": claims_limit} if claims_limit is not None else {}
        return SourcePublic.model_validate(self._json(path("source", source_id=source_id), params))

    def actors(self, **filters: Any) -> Iterator[ActorRowPublic]:
        """Every actor matching kind or country, page by page."""
        return self._pages(permalinks.ACTORS, filters, ActorRowPublic)

    def actor(self, name: str, *, claims_limit: int | None = None) -> ActorPublic:
        params = {"claims_limit": claims_limit} if claims_limit is not None else {}
        return ActorPublic.model_validate(self._json(path(permalinks.ACTOR, name=name), params))

    # -- systems (parsed JSON, as the API gives it) ---------------------------------------

    def system(self, key: str) -> dict[str, Any]:
        return self._json(path("system", key=key))

    def compare(self, *systems: str, include_deprecated: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"systems": ",".join(systems)}
        if include_deprecated:
            params["include_deprecated"] = "true"
        return self._json(permalinks.COMPARE, params)

    def timeline(self, system: str, country: str) -> dict[str, Any]:
        return self._json(permalinks.TIMELINE, {"system": system, "country": country})

    # -- the service ------------------------------------------------------------------------

    def meta(self) -> Meta:
        """Schema revision, row counts and the time of the last change."""
        return Meta.model_validate(self._json(permalinks.META))

    def health(self) -> Health:
        return Health.model_validate(self._json(permalinks.HEALTH))

    def export(self, format: str = "jsonl") -> Iterator[str]:
        """The export (`GET /v1/export`) line by line, streamed: JSON Lines or CSV text."""
        with self.http.stream("GET", permalinks.EXPORT, params={"format": format}) as response:
            if response.is_error:
                response.read()
                raise ApiError.from_response(response)
            yield from response.iter_lines()

    # -- plumbing ---------------------------------------------------------------------------

    def _get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        # No `params` at all when there are none: an empty mapping would drop the query of a
        # `next` URL.
        query = _params(params or {})
        response = self.http.get(url, params=query) if query else self.http.get(url)
        if response.is_error:
            raise ApiError.from_response(response)
        return response

    def _json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self._get(url, params).json()

    def _pages(self, url: str, filters: dict[str, Any], model: type[M]) -> Iterator[M]:
        page = self._json(url, filters)
        while True:
            for item in page["items"]:
                yield model.model_validate(item)
            if not page.get("next"):
                return
            page = self._json(page["next"])


def _params(params: dict[str, Any]) -> dict[str, Any]:
    """Drop None; booleans as the API spells them."""
    return {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items() if v is not None}
