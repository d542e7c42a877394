"""Name resolution for bulk import: maps loaded once (systems, actors, target types) and a
source cache filled per batch (no query per record)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.catalog.models import Alias, System, TargetType
from equipment_db.errors import Ambiguous, InvalidValue, NotFound
from equipment_db.normalize.names import name_key
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import looks_like_public_id, normalise_public_id
from equipment_db.sources.models import Source
from equipment_db.sources.service import source_reference

CACHE_SOURCES = 20_000


class BulkResolver:
    """Everything a claim refers to, loaded in a few queries; mirrors the service lookups."""

    def __init__(self, session: Session) -> None:
        systems = session.exec(select(System)).all()
        self.system_info = {s.id: (s.slug, s.name) for s in systems}
        self._retracted_systems = {s.id for s in systems if s.is_retracted}
        self._slugs = {s.slug: s.id for s in systems}
        self._system_keys: dict[str, set[int]] = {}
        for s in systems:
            for key in (name_key(s.slug), name_key(s.name)):
                self._system_keys.setdefault(key, set()).add(s.id)  # type: ignore[arg-type]
        self._aliases: dict[str, set[int]] = {}
        for key, system_id in session.exec(
            select(Alias.name_key, Alias.system_id).where(col(Alias.retracted_at).is_(None))
        ):
            self._aliases.setdefault(key, set()).add(system_id)
        targets = session.exec(select(TargetType)).all()
        self.target_info = {t.id: (t.slug, t.name) for t in targets}
        self._targets = {t.slug: t.id for t in targets} | {name_key(t.name): t.id for t in targets}
        actors = session.exec(select(Actor)).all()
        self.actor_info = {a.id: (a.name, a.role) for a in actors}
        self._actors = {a.name_key: a.id for a in actors}
        self._session = session
        self.source_refs: dict[int, dict[str, Any]] = {}
        self._languages: dict[int, str | None] = {}
        self._source_ids: dict[str, int] = {}
        self._source_urls: dict[str, int] = {}
        self._lookups: dict[str, tuple[str, str]] = {}

    def prefetch_sources(self, keys: Iterable[str]) -> None:
        """Load the sources `keys` (public ids or URLs) name, in two queries, into a cache
        that is emptied when it grows past CACHE_SOURCES (a million-claim import streams)."""
        wanted = [self._source_lookup(key) for key in keys]
        missing = self._missing(wanted)
        if len(self.source_refs) + len(missing[0]) + len(missing[1]) > CACHE_SOURCES:
            self.source_refs.clear()
            self._languages.clear()
            self._source_ids.clear()
            self._source_urls.clear()
            missing = self._missing(wanted)  # all of them again: the cache no longer has any
        ids, urls = missing
        for chunk in _chunks(sorted(ids)):
            self._cache(self._session.exec(select(Source).where(col(Source.public_id).in_(chunk))).all())
        for chunk in _chunks(sorted(urls)):
            self._cache(self._session.exec(select(Source).where(col(Source.url).in_(chunk))).all())

    def _missing(self, wanted: list[tuple[str, str]]) -> tuple[set[str], set[str]]:
        ids = {lookup for kind, lookup in wanted if kind == "id" and lookup not in self._source_ids}
        urls = {lookup for kind, lookup in wanted if kind == "url" and lookup and lookup not in self._source_urls}
        return ids, urls

    def _cache(self, sources: Sequence[Source]) -> None:
        for source in sources:
            self.source_refs[source.id] = source_reference(source)  # type: ignore[index]
            self._languages[source.id] = source.language  # type: ignore[index]
            self._source_ids[source.public_id] = source.id  # type: ignore[assignment]
            if source.url:
                self._source_urls[source.url] = source.id  # type: ignore[assignment]

    def _source_lookup(self, key: str) -> tuple[str, str]:
        """("id", public id) or ("url", normalised URL); remembered per key as written."""
        found = self._lookups.get(key)
        if found is None:
            if len(self._lookups) > CACHE_SOURCES:
                self._lookups.clear()
            found = self._lookups[key] = self._parse_source_key(key)
        return found

    @staticmethod
    def _parse_source_key(key: str) -> tuple[str, str]:
        text = key.strip()
        if looks_like_public_id(text, "source"):
            return "id", normalise_public_id(text, "source")
        try:
            return "url", normalise_url(text) or ""
        except InvalidValue:
            return "url", ""

    def system(self, key: str, field: str) -> int:
        text = key.strip()
        found = self._slugs.get(text.lower())
        if found is None:
            folded = name_key(text)
            candidates = self._aliases.get(folded) or self._system_keys.get(folded) or set()
            if len(candidates) > 1:
                raise Ambiguous("system", key, sorted(self.system_info[c][0] for c in candidates))
            found = next(iter(candidates), None)
        if found is None:
            raise NotFound("system", key, field=field)
        if found in self._retracted_systems:
            raise InvalidValue(field, key, "is retracted")
        return found

    def target_type(self, key: str) -> int:
        found = self._targets.get(key.strip().lower()) or self._targets.get(name_key(key))
        if found is None:
            raise NotFound("target type", key, field="target_type")
        return found

    def actor(self, name: str, field: str = "claimant") -> int:
        found = self._actors.get(name_key(name))
        if found is None:
            raise NotFound("actor", name, field=field)
        return found

    def source(self, key: str, field: str) -> int:
        """A source by public id or URL; call `prefetch_sources` first."""
        kind, lookup = self._source_lookup(key)
        found = (self._source_ids if kind == "id" else self._source_urls).get(lookup)
        if found is None:
            raise NotFound("source", key, field=field)
        return found

    def source_language(self, source_id: int) -> str | None:
        """The language of a source `source` returned (its wording's separators follow it)."""
        return self._languages.get(source_id)


def _chunks(values: list[str], size: int = 1000) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
