"""Name resolution from maps loaded once, for bulk import (no query per record)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from equipment_db.actors.models import Actor
from equipment_db.catalog.models import Alias, System, TargetType
from equipment_db.claims.models import Claim
from equipment_db.errors import Ambiguous, InvalidValue, NotFound
from equipment_db.normalize.names import name_key
from equipment_db.normalize.urls import normalise_url
from equipment_db.publicid import looks_like_public_id, normalise_public_id
from equipment_db.sources.models import Source
from equipment_db.sources.service import source_reference


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
        sources = session.exec(select(Source)).all()
        self.source_refs = {s.id: source_reference(s) for s in sources}
        self._source_ids = {s.public_id: s.id for s in sources}
        self._source_urls = {s.url: s.id for s in sources if s.url}
        self.claim_ids: dict[str, int] = dict(session.exec(select(Claim.public_id, Claim.id)).all())  # type: ignore[arg-type]

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

    def actor(self, name: str) -> int:
        found = self._actors.get(name_key(name))
        if found is None:
            raise NotFound("actor", name, field="claimant")
        return found

    def source(self, key: str, field: str) -> int:
        text = key.strip()
        found: Any = None
        if looks_like_public_id(text, "source"):
            found = self._source_ids.get(normalise_public_id(text, "source"))
        else:
            try:
                found = self._source_urls.get(normalise_url(text) or "")
            except InvalidValue:
                found = None
        if found is None:
            raise NotFound("source", key, field=field)
        return found
